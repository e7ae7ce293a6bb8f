#include "core/lab/BandwidthProbe.h"

#include "core/tensor/TensorOps.h"

#include <omp.h>

#include <array>
#include <chrono>
#include <cstdint>

namespace kv {

namespace {

// Parts of its share each thread reads side by side: one stream per core
// leaves the memory idle between its requests (one stream read ~28 GB/s
// here, where four kept ~31).
constexpr int kStreamsPerThread = 4;

// 64 independent running sums, four vectors' worth: one sum would wait on
// its own additions and time the adder's latency, not the memory.
using Lanes = Eigen::Array<float, 64, 1>;

} // namespace

BandwidthProbe::BandwidthProbe(std::size_t bytes)
    : m_buffer(bytes / sizeof(float))
{
    // Every float different: a hypervisor may back identical pages (a buffer
    // of 1.0f) with one physical page, and reads of it come from the cache
    // (this machine then "streams" 60 GB/s instead of 35). Writing them also
    // keeps page faults out of the timed reads.
    std::uint32_t state = 1;
    for (float& value : m_buffer) {
        state = state * 1664525u + 1013904223u; // a linear congruential sequence
        value = static_cast<float>(state >> 8);
    }
}

std::size_t BandwidthProbe::bytes() const
{
    return m_buffer.size() / Lanes::RowsAtCompileTime * sizeof(Lanes);
}

double BandwidthProbe::readGbps() const
{
    const float* data = m_buffer.data();
    const auto blocks = static_cast<std::ptrdiff_t>(m_buffer.size() / Lanes::RowsAtCompileTime);
    const int threads = computeThreads();
    volatile float sink = 0.0f; // so the compiler cannot drop the reads
    float total = 0.0f;
    const auto start = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        // Each thread reads its own contiguous share, in kStreamsPerThread parts.
        const std::ptrdiff_t begin = blocks * omp_get_thread_num() / omp_get_num_threads();
        const std::ptrdiff_t end = blocks * (omp_get_thread_num() + 1) / omp_get_num_threads();
        const std::ptrdiff_t part = (end - begin) / kStreamsPerThread;
        std::array<Lanes, kStreamsPerThread> sums;
        for (Lanes& lanes : sums)
            lanes = Lanes::Zero();
        for (std::ptrdiff_t i = begin; i < begin + part; ++i)
            for (int s = 0; s < kStreamsPerThread; ++s)
                sums[s] += Eigen::Map<const Lanes>(data + (i + s * part) * Lanes::RowsAtCompileTime);
        for (std::ptrdiff_t i = begin + kStreamsPerThread * part; i < end; ++i)
            sums[0] += Eigen::Map<const Lanes>(data + i * Lanes::RowsAtCompileTime);
        for (const Lanes& lanes : sums)
            total += lanes.sum();
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    sink = sink + total;
    return static_cast<double>(bytes()) / elapsed.count() / 1e9;
}

} // namespace kv
