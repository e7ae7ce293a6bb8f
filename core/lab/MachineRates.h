#pragma once

#include <cstddef>
#include <vector>

namespace kv {

// One point of the matrix-multiply rate curve: a (rows x inner) . (inner x cols)
// float product, the weights already in cache.
struct MatmulRate {
    int rows = 0;
    double gflops = 0.0; // 10^9 floating-point operations per second
};

// What this machine sustains, measured on its own, independently of the
// model's kernels: the two ceilings of a roofline.
//  - Arithmetic: the best matrix multiply available (OpenBLAS sgemm) on a
//    large square product, with every thread the run uses.
//  - Memory: the rate every thread together reads a buffer larger than the caches.
// The curve beside them shows what sgemm reaches with few rows (the
// multiply units idle when a pass feeds one row); it explains, it does not price.
struct MachineRates {
    std::vector<MatmulRate> matmulCurve; // rows ascending
    double gbps = 0.0;                   // 10^9 bytes per second, all threads
    double peakGemmGflops = 0.0;         // sgemm at kPeakSize³; 0 when not measured
    int threads = 1;                     // threads both ceilings were measured with

    static constexpr int kPeakSize = 2048;

    // The better of two measurements of the same machine, ceiling by ceiling
    // (the curve and thread count of `before`): on a shared machine the
    // bandwidth moves by a third from minute to minute, and a ceiling is
    // the best the machine did, not the worst.
    static MachineRates best(const MachineRates& before, const MachineRates& after);

    // `gflops` as the peak and at every row count.
    static MachineRates uniform(double gflops, double gbps);

    // The compute ceiling: the large product's rate, or the fastest point of
    // the curve when no large product was measured (or it was slower).
    double peakGflops() const;
    // Every rate and the bandwidth positive, the rows ascending.
    bool valid() const;

    // All of it on `threads` threads (computeThreads() is set to it), about
    // 1.5 s: the peak, the bandwidth, and the curve at row counts 1, 2, 3, 4,
    // 6, 8, 12, ... up to `maxRows` at the shape (rows x inner) . (inner x cols).
    static MachineRates measure(int maxRows, int inner, int cols, int threads);
    static std::vector<int> measuredRowCounts(int maxRows);
    // Best of a few timings of OpenBLAS sgemm at that shape, one weight matrix reused.
    static double measureMatmulGflops(int rows, int inner, int cols);
    // Best of five reads of streamBytes() split between computeThreads() threads (BandwidthProbe).
    static double measureBandwidthGbps();
    static std::size_t streamBytes();
};

} // namespace kv
