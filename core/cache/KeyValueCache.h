#pragma once

#include "core/tensor/Tensor.h"

#include <cstdint>
#include <memory>

namespace kv {

// The KV cache as the forward pass sees it: per layer, the keys and values of
// every token seen so far, rows in the order they were appended, the KV heads
// side by side (head g at columns g*head_dim). The contiguous KVCache is the
// first implementation; a sliding-window, paged or quantized cache would be
// others. Keys are stored as the model produced them (rotary models: already
// rotated to their position).
class KeyValueCache {
public:
    virtual ~KeyValueCache() = default;

    // Appends rows along the sequence dimension. Throws CapacityError rather
    // than overwrite anything when the rows do not fit.
    virtual void append(int layer, const Eigen::Ref<const Matrix>& keys, const Eigen::Ref<const Matrix>& values) = 0;
    // The rows the attention reads: (length, kv_dim), a view of the cache's
    // own memory, never a copy; valid until the next append, reset or truncate.
    virtual ConstMatrixView keys(int layer) const = 0;
    virtual ConstMatrixView values(int layer) const = 0;
    virtual int length(int layer = 0) const = 0;
    virtual int capacity() const = 0;
    virtual int layers() const = 0;
    virtual int kvDim() const = 0;

    // Bytes allocated for K and V of all layers.
    virtual std::int64_t bytes() const = 0;
    // Bytes holding tokens right now.
    virtual std::int64_t bytesInUse() const = 0;

    // Forgets every token (keeps the allocation).
    virtual void reset() = 0;
    // Forgets every token from row `length` on, in every layer.
    virtual void truncate(int length) = 0;
    // A deep copy, explicit because a real cache is large.
    virtual std::unique_ptr<KeyValueCache> clone() const = 0;
};

} // namespace kv
