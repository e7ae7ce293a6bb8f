#include "core/model/CostModel.h"

namespace kv {

CostModel::CostModel(const ModelConfig& config)
    : m_config(config)
{
}

MacCounts CostModel::forward(std::int64_t newTokens, std::int64_t keysRead) const
{
    const std::int64_t layers = m_config.nLayer;
    const std::int64_t d = m_config.nEmbd;
    const std::int64_t headDim = m_config.headDim();
    const std::int64_t heads = m_config.nHead;
    MacCounts macs;
    const std::int64_t qDim = m_config.qDim();
    const std::int64_t rotated = m_config.position == PositionKind::Rotary ? qDim + m_config.kvDim() : 0;
    const std::int64_t mlpMatrices = m_config.mlp == MlpKind::SwiGlu ? 3 : 2;
    macs.projections = layers * newTokens * (d * m_config.qkvWidth() + qDim * d);
    macs.rotary = layers * newTokens * 2 * rotated;
    macs.attentionScores = layers * heads * newTokens * keysRead * headDim;
    macs.attentionMix = layers * heads * newTokens * keysRead * headDim;
    macs.mlp = layers * mlpMatrices * newTokens * d * m_config.mlpWidth();
    macs.lmHead = d * m_config.vocabSize;
    return macs;
}

std::int64_t CostModel::kvBytes(std::int64_t tokens, std::int64_t batch, std::int64_t bytesPerElement) const
{
    return kvBytes(m_config.nLayer, m_config.nKvHead, m_config.headDim(), tokens, batch, bytesPerElement);
}

std::int64_t CostModel::kvBytes(std::int64_t layers, std::int64_t kvHeads, std::int64_t headDim, std::int64_t tokens,
                                std::int64_t batch, std::int64_t bytesPerElement)
{
    return 2 * bytesPerElement * layers * kvHeads * headDim * tokens * batch;
}

} // namespace kv
