#include "core/cache/KVCache.h"

#include "core/cache/CapacityError.h"

#include <algorithm>
#include <cassert>

namespace kv {

KVCache::KVCache(int layers, int capacity, int kvDim)
    : m_capacity(capacity)
    , m_kvDim(kvDim)
    , m_keys(static_cast<std::size_t>(layers), Matrix::Zero(capacity, kvDim))
    , m_values(static_cast<std::size_t>(layers), Matrix::Zero(capacity, kvDim))
    , m_lengths(static_cast<std::size_t>(layers), 0)
{
}

KVCache KVCache::forModel(const ModelConfig& config)
{
    return KVCache(config.nLayer, config.nPositions, config.kvDim());
}

KVCache KVCache::copy() const
{
    KVCache clone(layers(), m_capacity, m_kvDim);
    clone.m_keys = m_keys;
    clone.m_values = m_values;
    clone.m_lengths = m_lengths;
    return clone;
}

void KVCache::append(int layer, const Eigen::Ref<const Matrix>& keys, const Eigen::Ref<const Matrix>& values)
{
    assert(keys.rows() == values.rows() && keys.cols() == m_kvDim && values.cols() == m_kvDim);
    int& length = m_lengths.at(static_cast<std::size_t>(layer));
    const auto rows = static_cast<int>(keys.rows());
    if (length + rows > m_capacity)
        throw CapacityError("KV cache full: layer " + std::to_string(layer) + " holds " + std::to_string(length)
                            + " of " + std::to_string(m_capacity) + " tokens and cannot take "
                            + std::to_string(rows) + " more");
    m_keys[static_cast<std::size_t>(layer)].middleRows(length, rows) = keys;
    m_values[static_cast<std::size_t>(layer)].middleRows(length, rows) = values;
    length += rows;
}

void KVCache::reset()
{
    std::fill(m_lengths.begin(), m_lengths.end(), 0);
}

void KVCache::truncate(int length)
{
    if (length < 0 || length > m_capacity)
        throw CapacityError("cannot truncate the KV cache to " + std::to_string(length) + " rows: it holds at most "
                            + std::to_string(m_capacity));
    for (int& filled : m_lengths)
        filled = std::min(filled, length);
}

std::unique_ptr<KeyValueCache> KVCache::clone() const
{
    return std::make_unique<KVCache>(copy());
}

ConstMatrixView KVCache::keys(int layer) const
{
    const Matrix& all = m_keys.at(static_cast<std::size_t>(layer));
    return ConstMatrixView(all.data(), length(layer), m_kvDim, Eigen::OuterStride<>(all.outerStride()));
}

ConstMatrixView KVCache::values(int layer) const
{
    const Matrix& all = m_values.at(static_cast<std::size_t>(layer));
    return ConstMatrixView(all.data(), length(layer), m_kvDim, Eigen::OuterStride<>(all.outerStride()));
}

std::int64_t KVCache::bytes() const
{
    std::int64_t total = 0;
    for (std::size_t i = 0; i < m_keys.size(); ++i)
        total += (m_keys[i].size() + m_values[i].size()) * static_cast<std::int64_t>(sizeof(float));
    return total;
}

std::int64_t KVCache::bytesInUse() const
{
    std::int64_t total = 0;
    for (int length : m_lengths)
        total += 2LL * length * m_kvDim * static_cast<std::int64_t>(sizeof(float));
    return total;
}

} // namespace kv
