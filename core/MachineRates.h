#pragma once

namespace kv {

// What this machine sustains, measured with the same Eigen build the model
// runs on: the two ceilings of a roofline prediction.
struct MachineRates {
    double gflops = 0.0; // float matrix multiply, 10^9 floating-point operations per second
    double gbps = 0.0;   // streaming read of a buffer far larger than the caches, 10^9 bytes per second

    // Both measurements, well under a second in all.
    static MachineRates measure();
    // Best of a few 512x768 . 768x768 float products.
    static double measureMatmulGflops();
    // Best of three sums over a 256 MB buffer.
    static double measureBandwidthGbps();
};

} // namespace kv
