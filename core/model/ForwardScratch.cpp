#include "core/model/ForwardScratch.h"

namespace kv {

void ForwardScratch::reserve(const ModelConfig& config, int rows, int keys, int threads)
{
    const Eigen::Index d = config.nEmbd;
    view(Hidden, rows, d);
    view(Normed, rows, d);
    view(Qkv, rows, config.qkvWidth());
    view(Heads, rows, config.qDim());
    view(Projected, rows, d);
    view(Expanded, rows, config.mlpWidth());
    view(Gate, config.mlp == MlpKind::SwiGlu ? rows : 0, config.mlpWidth());
    view(Scores, rows, keys, threads - 1);
    view(Weights, rows, keys, threads - 1);
    view(LastNormed, 1, d);
}

Eigen::Map<Matrix> ForwardScratch::view(Buffer buffer, Eigen::Index rows, Eigen::Index cols, int part)
{
    Storage& storage = m_storage[static_cast<std::size_t>(buffer)];
    const auto size = static_cast<std::size_t>(rows * cols);
    const std::size_t end = size * static_cast<std::size_t>(part + 1);
    if (storage.size() < end)
        storage.resize(end);
    return Eigen::Map<Matrix>(storage.data() + size * static_cast<std::size_t>(part), rows, cols);
}

std::size_t ForwardScratch::capacity() const
{
    std::size_t total = 0;
    for (const Storage& storage : m_storage)
        total += storage.size();
    return total;
}

} // namespace kv
