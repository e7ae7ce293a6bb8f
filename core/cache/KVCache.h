#pragma once

#include "core/cache/KeyValueCache.h"
#include "core/model/ModelConfig.h"
#include "core/tensor/Tensor.h"

#include <cstdint>
#include <vector>

namespace kv {

// The contiguous KV cache, the first KeyValueCache: per layer one K and one V
// block of (capacity, kv_dim), preallocated once; rows are tokens in the order
// they were appended, columns the KV heads side by side (head g at
// g*head_dim). Copying is explicit (copy()) because a real cache is large.
class KVCache final : public KeyValueCache {
public:
    KVCache(int layers, int capacity, int kvDim);
    static KVCache forModel(const ModelConfig& config);

    KVCache(KVCache&&) noexcept = default;
    KVCache& operator=(KVCache&&) noexcept = default;
    KVCache(const KVCache&) = delete;
    KVCache& operator=(const KVCache&) = delete;
    KVCache copy() const;

    // Appends rows along the sequence dimension. Throws CapacityError rather
    // than overwrite anything when the rows do not fit.
    void append(int layer, const Eigen::Ref<const Matrix>& keys, const Eigen::Ref<const Matrix>& values) override;
    // Forgets every token (keeps the allocation).
    void reset() override;
    // Forgets every token from row `length` on, in every layer: the cache as
    // it was before those rows were appended (rows never change once written).
    void truncate(int length) override;
    std::unique_ptr<KeyValueCache> clone() const override;

    int layers() const override { return static_cast<int>(m_keys.size()); }
    int capacity() const override { return m_capacity; }
    int kvDim() const override { return m_kvDim; }
    int length(int layer = 0) const override { return m_lengths.at(static_cast<std::size_t>(layer)); }

    // The filled part: (length, kv_dim), a view of the block.
    ConstMatrixView keys(int layer) const override;
    ConstMatrixView values(int layer) const override;

    // Bytes allocated for K and V of all layers at full capacity.
    std::int64_t bytes() const override;
    // Bytes holding tokens right now.
    std::int64_t bytesInUse() const override;

private:
    int m_capacity;
    int m_kvDim;
    std::vector<Matrix> m_keys;   // per layer (capacity, kv_dim)
    std::vector<Matrix> m_values; // per layer (capacity, kv_dim)
    std::vector<int> m_lengths;   // per layer, rows filled
};

} // namespace kv
