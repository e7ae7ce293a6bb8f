#pragma once

#include <cstddef>
#include <vector>

namespace kv {

// A buffer of distinct floats and one timed read of it with every compute
// thread: the memory bandwidth the machine gives at that moment. A timed
// run reads one between every two decode steps, so each step is priced at
// the bandwidth the machine had around it (this VM's read rate moves between
// ~35 and ~52 GB/s within a run). The steps in between stream hundreds of MB,
// so the next read finds none of the buffer in the caches.
class BandwidthProbe {
public:
    // Enough to time a read (~1.5 ms at 45 GB/s) against thread start-up,
    // twice this machine's 32 MiB last-level cache.
    static constexpr std::size_t kProbeBytes = std::size_t(64) << 20;

    explicit BandwidthProbe(std::size_t bytes = kProbeBytes);

    std::size_t bytes() const;
    // 10^9 bytes per second of one read of the whole buffer, split between
    // computeThreads() threads.
    double readGbps() const;

private:
    std::vector<float> m_buffer;
};

} // namespace kv
