#include "MachineRates.h"

#include "Tensor.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <vector>

namespace kv {

namespace {

constexpr int kMatmulRepeats = 3;
constexpr std::size_t kColdWeightBytes = 96u << 20;

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

MachineRates MachineRates::measure(int rows, int inner, int cols)
{
    return {measureMatmulGflops(rows, inner, cols), measureBandwidthGbps()};
}

double MachineRates::measureMatmulGflops(int rows, int inner, int cols)
{
    // A model multiplies by many different weight matrices, each fetched from
    // memory: cycle through enough of them to overflow the caches, or the rate
    // would be that of one matrix sitting in cache.
    const std::size_t matrixBytes = sizeof(float) * static_cast<std::size_t>(inner) * static_cast<std::size_t>(cols);
    const int matrices = static_cast<int>(std::clamp<std::size_t>(kColdWeightBytes / matrixBytes, 1, 64));
    std::vector<Matrix> weights;
    for (int i = 0; i < matrices; ++i)
        weights.push_back(Matrix::Random(inner, cols));
    const Matrix a = Matrix::Random(rows, inner);
    Matrix c(rows, cols);
    const double seconds = bestSeconds(kMatmulRepeats, [&] {
        for (const Matrix& b : weights)
            c.noalias() = a * b;
    });
    const double flops = 2.0 * rows * inner * cols * matrices;
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
