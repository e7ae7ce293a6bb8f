#pragma once

#include "ForwardObserver.h"
#include "ForwardResult.h"
#include "KVCache.h"
#include "ModelConfig.h"
#include "ModelWeights.h"

#include <span>

namespace kv {

// A GPT-2 decoder over fixed weights. forward() is the only entry point and
// serves both decode paths:
//  - without a cache, pass every token of the sequence at positions 0..n-1;
//    keys and values come from this pass alone;
//  - with a cache, pass only the new token(s); their keys and values are
//    appended to the cache and the queries attend over everything it holds.
class Transformer {
public:
    Transformer(ModelConfig config, ModelWeights weights);

    const ModelConfig& config() const { return m_config; }
    const ModelWeights& weights() const { return m_weights; }

    ForwardResult forward(std::span<const int> tokens, std::span<const int> positions, KVCache* cache,
                          ForwardObserver* observer = nullptr) const;

private:
    void checkInputs(std::span<const int> tokens, std::span<const int> positions) const;
    Matrix embed(std::span<const int> tokens, std::span<const int> positions) const;
    Matrix attention(int layerIndex, const Matrix& normed, KVCache* cache, ForwardObserver* observer,
                     MacCounts& macs) const;
    Matrix mlp(const LayerWeights& layer, const Matrix& normed, MacCounts& macs) const;

    ModelConfig m_config;
    ModelWeights m_weights;
};

} // namespace kv
