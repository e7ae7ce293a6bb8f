#pragma once

namespace kv {

// What this machine sustains, measured with the same Eigen build the model
// runs on: the two ceilings of a roofline prediction.
struct MachineRates {
    double gflops = 0.0; // float matrix multiply, 10^9 floating-point operations per second
    double gbps = 0.0;   // streaming read of a buffer far larger than the caches, 10^9 bytes per second

    // Both measurements, well under a second in all; the multiply is timed at
    // (rows x inner) . (inner x cols).
    static MachineRates measure(int rows = 512, int inner = 768, int cols = 768);
    // Best of a few float products of that shape.
    static double measureMatmulGflops(int rows = 512, int inner = 768, int cols = 768);
    // Best of three sums over a 256 MB buffer.
    static double measureBandwidthGbps();
};

} // namespace kv
