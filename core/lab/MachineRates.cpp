#include "core/lab/MachineRates.h"

#include "core/lab/BandwidthProbe.h"

#include "core/tensor/TensorOps.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

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
    const BandwidthProbe probe(streamBytes());
    double best = 0.0;
    for (int i = 0; i < kStreamRepeats; ++i)
        best = std::max(best, probe.readGbps());
    return best;
}

} // namespace kv
