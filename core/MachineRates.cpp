#include "MachineRates.h"

#include "Tensor.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <vector>

namespace kv {

namespace {

// The first rows of a GPT-2-small layer's projection at a 512-token prefill.
constexpr int kRows = 512;
constexpr int kInner = 768;
constexpr int kCols = 768;
constexpr int kMatmulRepeats = 5;

constexpr std::size_t kStreamBytes = 256u << 20;
constexpr int kStreamRepeats = 3;

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

MachineRates MachineRates::measure()
{
    return {measureMatmulGflops(), measureBandwidthGbps()};
}

double MachineRates::measureMatmulGflops()
{
    const Matrix a = Matrix::Random(kRows, kInner);
    const Matrix b = Matrix::Random(kInner, kCols);
    Matrix c(kRows, kCols);
    const double seconds = bestSeconds(kMatmulRepeats, [&] { c.noalias() = a * b; });
    const double flops = 2.0 * kRows * kInner * kCols;
    return flops / seconds / 1e9;
}

double MachineRates::measureBandwidthGbps()
{
    // Touching every page first keeps page faults out of the timed reads.
    std::vector<float> buffer(kStreamBytes / sizeof(float), 1.0f);
    const Eigen::Map<const Eigen::VectorXf> values(buffer.data(), static_cast<Eigen::Index>(buffer.size()));
    // A volatile sink so the compiler cannot drop the reads.
    volatile float sink = 0.0f;
    const double seconds = bestSeconds(kStreamRepeats, [&] { sink = sink + values.sum(); });
    return static_cast<double>(kStreamBytes) / seconds / 1e9;
}

} // namespace kv
