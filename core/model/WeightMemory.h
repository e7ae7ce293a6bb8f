#pragma once

#include <cstdint>

namespace kv {

// Where a model's weight matrices lie: in memory the model allocated (packed
// copies, matrices widened from BF16/F16 or transposed at load), or read in
// place from a memory-mapped checkpoint (file-backed pages the kernel may
// drop and read again). The vectors (norm gains, biases) are always small
// copies and are not counted.
struct WeightMemory {
    std::int64_t copiedBytes = 0;
    std::int64_t mappedBytes = 0;
};

} // namespace kv
