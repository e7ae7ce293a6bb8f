#pragma once

#include "core/model/MacCounts.h"
#include "core/model/ModelConfig.h"

#include <cstdint>

namespace kv {

// Analytic multiply-add and memory counts for one forward pass of a model
// shape, matching what Transformer::forward performs (the tests hold the two
// to the same numbers).
class CostModel {
public:
    explicit CostModel(const ModelConfig& config);

    // A pass over `newTokens` tokens whose queries attend over `keysRead` keys
    // (the full score block is computed, masked entries included).
    MacCounts forward(std::int64_t newTokens, std::int64_t keysRead) const;

    // Step that produces token `sequenceLength`: without a cache the whole
    // sequence goes through again; with one, only the newest token.
    MacCounts uncachedStep(std::int64_t sequenceLength) const { return forward(sequenceLength, sequenceLength); }
    MacCounts cachedStep(std::int64_t sequenceLength) const { return forward(1, sequenceLength); }
    MacCounts prefill(std::int64_t promptLength) const { return forward(promptLength, promptLength); }

    // Bytes a cache holding `tokens` tokens per sequence takes.
    std::int64_t kvBytes(std::int64_t tokens, std::int64_t batch = 1, std::int64_t bytesPerElement = 4) const;

    // 2 x bytes/element x layers x kv_heads x head_dim x tokens x batch
    static std::int64_t kvBytes(std::int64_t layers, std::int64_t kvHeads, std::int64_t headDim,
                                std::int64_t tokens, std::int64_t batch, std::int64_t bytesPerElement);

private:
    ModelConfig m_config;
};

} // namespace kv
