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

// What this machine sustains, measured with the same Eigen build and the same
// kv::matmul the model runs on: the two ceilings of a roofline prediction.
//  - Arithmetic: a product of few rows cannot keep the multiply units busy
//    (2 rows run ~7x slower per operation than 100), so the compute ceiling
//    is a curve over the row count, measured with the weights in cache so
//    that memory does not limit it.
//  - Memory: the rate a buffer larger than the caches streams in.
struct MachineRates {
    std::vector<MatmulRate> matmulCurve; // rows ascending
    double gbps = 0.0;              // 10^9 bytes per second

    // A flat curve: `gflops` at every row count.
    static MachineRates uniform(double gflops, double gbps);

    // The compute ceiling for products of `rows` rows: interpolated between
    // the measured row counts on log-log axes, the end points held beyond
    // them. 0 when the curve is empty.
    double gflopsAt(int rows) const;
    double peakGflops() const;
    // Every rate and the bandwidth positive, the rows ascending.
    bool valid() const;

    // Both measurements, about 2 s for GPT-2 small and 100 tokens: the
    // curve at row counts 1, 2, 3, 4, 6, 8, 12, ... up to `maxRows`.
    static MachineRates measure(int maxRows = 128, int inner = 768, int cols = 3072);
    static std::vector<int> measuredRowCounts(int maxRows);
    // Best of a few timings of kv::matmul at that shape, one weight matrix reused.
    static double measureMatmulGflops(int rows, int inner, int cols);
    // Best of three sums over streamBytes(): twice the last-level cache,
    // between 256 MB and 1 GB.
    static double measureBandwidthGbps();
    static std::size_t streamBytes();
};

} // namespace kv
