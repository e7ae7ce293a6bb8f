#pragma once

#include "core/model/ModelConfig.h"
#include "core/tensor/Tensor.h"

#include <cstdint>
#include <vector>

namespace kv {

// Keys and values of every token seen so far, per layer, preallocated once.
// Rows are tokens in the order they were appended; columns are the KV heads
// side by side (head g at g*head_dim). Copying is explicit (copy()) because
// a real cache is large.
class KVCache {
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
    void append(int layer, const Eigen::Ref<const Matrix>& keys, const Eigen::Ref<const Matrix>& values);
    // Forgets every token (keeps the allocation).
    void reset();
    // Forgets every token from row `length` on, in every layer: the cache as
    // it was before those rows were appended (rows never change once written).
    void truncate(int length);

    int layers() const { return static_cast<int>(m_keys.size()); }
    int capacity() const { return m_capacity; }
    int kvDim() const { return m_kvDim; }
    int length(int layer = 0) const { return m_lengths.at(static_cast<std::size_t>(layer)); }

    // The filled part: (length, kv_dim).
    Matrix::ConstRowsBlockXpr keys(int layer) const;
    Matrix::ConstRowsBlockXpr values(int layer) const;

    // Bytes allocated for K and V of all layers at full capacity.
    std::int64_t bytes() const;
    // Bytes holding tokens right now.
    std::int64_t bytesInUse() const;

private:
    int m_capacity;
    int m_kvDim;
    std::vector<Matrix> m_keys;   // per layer (capacity, kv_dim)
    std::vector<Matrix> m_values; // per layer (capacity, kv_dim)
    std::vector<int> m_lengths;   // per layer, rows filled
};

} // namespace kv
