#include "core/lab/MachineRates.h"

#include "core/tensor/TensorOps.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <cstdint>

#include <unistd.h>

namespace kv {

namespace {

constexpr int kMatmulRepeats = 3;
// Each timing runs the product enough times to last this long, so that a
// 1-row product of a small shape is not a few microseconds of clock noise.
constexpr double kMinTimedSeconds = 0.01;

// Twice the last-level cache (this machine's 480 MB L3 would otherwise serve
// part of a 256 MB buffer), within these bounds.
constexpr std::size_t kMinStreamBytes = std::size_t(256) << 20;
constexpr std::size_t kMaxStreamBytes = std::size_t(1) << 30;
constexpr int kStreamRepeats = 5;
constexpr int kStreamsPerThread = 4;

// Seconds of the fastest of `repeats` calls of `work`.
template <typename Work>
double bestSeconds(int repeats, Work&& work)
{
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        best = std::min(best, elapsed.count());
    }
    return best;
}

} // namespace

MachineRates MachineRates::uniform(double gflops, double gbps)
{
    return {{MatmulRate{1, gflops}}, gbps, gflops, 1};
}

MachineRates MachineRates::best(const MachineRates& before, const MachineRates& after)
{
    MachineRates rates = before;
    rates.gbps = std::max(before.gbps, after.gbps);
    rates.peakGemmGflops = std::max(before.peakGemmGflops, after.peakGemmGflops);
    return rates;
}

double MachineRates::peakGflops() const
{
    double peak = peakGemmGflops;
    for (const MatmulRate& point : matmulCurve)
        peak = std::max(peak, point.gflops);
    return peak;
}

bool MachineRates::valid() const
{
    if (matmulCurve.empty() || !(gbps > 0.0))
        return false;
    for (std::size_t i = 0; i < matmulCurve.size(); ++i) {
        if (!(matmulCurve[i].gflops > 0.0) || matmulCurve[i].rows < 1)
            return false;
        if (i > 0 && matmulCurve[i].rows <= matmulCurve[i - 1].rows)
            return false;
    }
    return true;
}

MachineRates MachineRates::measure(int maxRows, int inner, int cols, int threads)
{
    setComputeThreads(threads);
    MachineRates rates;
    rates.threads = computeThreads();
    rates.peakGemmGflops = measureMatmulGflops(kPeakSize, kPeakSize, kPeakSize);
    for (int rows : measuredRowCounts(maxRows))
        rates.matmulCurve.push_back({rows, measureMatmulGflops(rows, inner, cols)});
    rates.gbps = measureBandwidthGbps();
    return rates;
}

std::vector<int> MachineRates::measuredRowCounts(int maxRows)
{
    // 1, 2, 3, 4, 6, 8, 12, 16, ...: two points an octave, then maxRows itself.
    std::vector<int> counts;
    for (int octave = 1; octave < maxRows; octave *= 2) {
        counts.push_back(octave);
        if (octave >= 2 && octave + octave / 2 < maxRows)
            counts.push_back(octave + octave / 2);
    }
    counts.push_back(std::max(maxRows, 1));
    return counts;
}

double MachineRates::measureMatmulGflops(int rows, int inner, int cols)
{
    const Matrix weights = Matrix::Random(inner, cols);
    const Matrix input = Matrix::Random(rows, inner);
    Matrix output(rows, cols);
    const auto product = [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, cols, inner, 1.0f, input.data(), inner,
                    weights.data(), cols, 0.0f, output.data(), cols);
    };
    product(); // warms the weights into cache and the threads up
    const double flopsPerProduct = 2.0 * rows * inner * cols;

    // Calibrate how many products one timing needs.
    int products = 1;
    while (bestSeconds(1, [&] {
               for (int i = 0; i < products; ++i)
                   product();
           }) < kMinTimedSeconds
           && products < (1 << 20))
        products *= 2;

    const double seconds = bestSeconds(kMatmulRepeats, [&] {
        for (int i = 0; i < products; ++i)
            product();
    });
    return flopsPerProduct * products / seconds / 1e9;
}

std::size_t MachineRates::streamBytes()
{
    std::size_t lastLevelCache = 0;
#ifdef _SC_LEVEL3_CACHE_SIZE
    const long reported = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (reported > 0)
        lastLevelCache = static_cast<std::size_t>(reported);
#endif
    return std::clamp(2 * lastLevelCache, kMinStreamBytes, kMaxStreamBytes);
}

double MachineRates::measureBandwidthGbps()
{
    const std::size_t bytes = streamBytes();
    // Every float different: a hypervisor may back identical pages (a buffer
    // of 1.0f) with one physical page, and reads of it come from the cache
    // (this machine then "streams" 60 GB/s instead of 35). Writing them also
    // keeps page faults out of the timed reads.
    std::vector<float> buffer(bytes / sizeof(float));
    std::uint32_t state = 1;
    for (float& value : buffer) {
        state = state * 1664525u + 1013904223u; // a linear congruential sequence
        value = static_cast<float>(state >> 8);
    }
    // 64 independent running sums, four vectors' worth: one sum would wait on
    // its own additions and time the adder's latency, not the memory.
    using Lanes = Eigen::Array<float, 64, 1>;
    const auto blocks = static_cast<std::ptrdiff_t>(buffer.size() / Lanes::RowsAtCompileTime);
    const int threads = computeThreads();
    volatile float sink = 0.0f; // so the compiler cannot drop the reads
    const double seconds = bestSeconds(kStreamRepeats, [&] {
        float total = 0.0f;
#pragma omp parallel num_threads(threads) reduction(+ : total)
        {
            // Each thread reads its own contiguous share.
            const std::ptrdiff_t begin = blocks * omp_get_thread_num() / omp_get_num_threads();
            const std::ptrdiff_t end = blocks * (omp_get_thread_num() + 1) / omp_get_num_threads();
            // In kStreamsPerThread parts read side by side: one stream per
            // core leaves the memory idle between its requests (one stream
            // read ~28 GB/s here, where four kept ~31).
            const std::ptrdiff_t part = (end - begin) / kStreamsPerThread;
            std::array<Lanes, kStreamsPerThread> sums;
            for (Lanes& lanes : sums)
                lanes = Lanes::Zero();
            for (std::ptrdiff_t i = begin; i < begin + part; ++i)
                for (int s = 0; s < kStreamsPerThread; ++s)
                    sums[s] += Eigen::Map<const Lanes>(buffer.data() + (i + s * part) * Lanes::RowsAtCompileTime);
            for (std::ptrdiff_t i = begin + kStreamsPerThread * part; i < end; ++i)
                sums[0] += Eigen::Map<const Lanes>(buffer.data() + i * Lanes::RowsAtCompileTime);
            for (const Lanes& lanes : sums)
                total += lanes.sum();
        }
        sink = sink + total;
    });
    return static_cast<double>(blocks) * sizeof(Lanes) / seconds / 1e9;
}

} // namespace kv
