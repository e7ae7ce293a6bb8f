#include "Transformer.h"

#include "CapacityError.h"
#include "TensorOps.h"

#include <cmath>
#include <limits>

namespace kv {

Transformer::Transformer(ModelConfig config, ModelWeights weights)
    : m_config(std::move(config))
    , m_weights(std::move(weights))
{
}

void Transformer::checkInputs(std::span<const int> tokens, std::span<const int> positions) const
{
    if (tokens.empty())
        throw KvError("forward pass needs at least one token");
    if (tokens.size() != positions.size())
        throw KvError("forward pass got " + std::to_string(tokens.size()) + " tokens but "
                      + std::to_string(positions.size()) + " positions");
    for (int token : tokens)
        if (token < 0 || token >= m_config.vocabSize)
            throw KvError("token id " + std::to_string(token) + " is outside the vocabulary (size "
                          + std::to_string(m_config.vocabSize) + ")");
    for (int position : positions)
        if (position < 0 || position >= m_config.nPositions)
            throw CapacityError("position " + std::to_string(position) + " is beyond the model's context of "
                                + std::to_string(m_config.nPositions) + " tokens");
}

Matrix Transformer::embed(std::span<const int> tokens, std::span<const int> positions) const
{
    Matrix x(static_cast<Eigen::Index>(tokens.size()), m_config.nEmbd);
    for (std::size_t i = 0; i < tokens.size(); ++i)
        x.row(static_cast<Eigen::Index>(i)) =
            m_weights.tokenEmbedding.row(tokens[i]) + m_weights.positionEmbedding.row(positions[i]);
    return x;
}

ForwardResult Transformer::forward(std::span<const int> tokens, std::span<const int> positions, KVCache* cache,
                                   ForwardObserver* observer) const
{
    checkInputs(tokens, positions);
    ForwardResult result;

    // 1. Token + position embeddings: (n, d)
    Matrix x = embed(tokens, positions);

    for (int i = 0; i < m_config.nLayer; ++i) {
        const LayerWeights& layer = m_weights.layers[static_cast<std::size_t>(i)];
        // 2. Pre-LayerNorm causal self-attention with a residual connection.
        x += attention(i, layerNorm(x, layer.ln1Gain, layer.ln1Bias, m_config.layerNormEps), cache, observer,
                       result.macs);
        // 3. Pre-LayerNorm MLP with a residual connection.
        x += mlp(layer, layerNorm(x, layer.ln2Gain, layer.ln2Bias, m_config.layerNormEps), result.macs);
    }

    // 4. Final LayerNorm and the tied LM head, for the last token only: it is
    //    the only one whose next token anyone asks for.
    const Matrix last = layerNorm(x.bottomRows(1), m_weights.lnfGain, m_weights.lnfBias, m_config.layerNormEps);
    result.logits = last * m_weights.tokenEmbedding.transpose();
    result.macs.lmHead += static_cast<std::int64_t>(m_config.nEmbd) * m_config.vocabSize;
    return result;
}

Matrix Transformer::attention(int layerIndex, const Matrix& normed, KVCache* cache, ForwardObserver* observer,
                              MacCounts& macs) const
{
    const LayerWeights& layer = m_weights.layers[static_cast<std::size_t>(layerIndex)];
    const int d = m_config.nEmbd;
    const int headDim = m_config.headDim();
    const int kvDim = m_config.kvDim();
    const auto n = normed.rows();

    // q | k | v for the new tokens: (n, d + 2*kv_dim)
    const Matrix qkv = matmul(normed, layer.attnWeight).rowwise() + layer.attnBias;
    macs.projections += static_cast<std::int64_t>(n) * d * m_config.qkvWidth();

    // Keys and values the attention reads: this pass's alone, or the cache
    // after appending this pass's rows. (keys read, kv_dim)
    int appendedFrom = 0;
    Matrix keys;
    Matrix values;
    if (cache) {
        appendedFrom = cache->length(layerIndex);
        cache->append(layerIndex, qkv.middleCols(d, kvDim), qkv.middleCols(d + kvDim, kvDim));
        keys = cache->keys(layerIndex);
        values = cache->values(layerIndex);
    } else {
        keys = qkv.middleCols(d, kvDim);
        values = qkv.middleCols(d + kvDim, kvDim);
    }
    const auto keyCount = keys.rows();
    // Query i sits at key row appendedFrom + i and may not see rows after it.
    const float scale = 1.0f / std::sqrt(static_cast<float>(headDim));

    Matrix heads(n, d);
    for (int h = 0; h < m_config.nHead; ++h) {
        const int kvHead = h / m_config.queriesPerKvHead();
        const auto q = qkv.middleCols(h * headDim, headDim);
        const auto k = keys.middleCols(kvHead * headDim, headDim);
        const auto v = values.middleCols(kvHead * headDim, headDim);

        Matrix scores = matmul(q, k.transpose()) * scale; // (n, keys read)
        for (Eigen::Index i = 0; i < n; ++i)
            for (Eigen::Index j = appendedFrom + i + 1; j < keyCount; ++j)
                scores(i, j) = -std::numeric_limits<float>::infinity();
        Matrix weights = softmaxRows(scores);
        Matrix output = matmul(weights, v); // (n, head_dim)
        heads.middleCols(h * headDim, headDim) = output;

        if (observer)
            observer->onHead(HeadRecord{layerIndex, h, kvHead, appendedFrom, q, k, v, std::move(scores),
                                        std::move(weights), std::move(output)});
    }
    macs.attentionScores += static_cast<std::int64_t>(m_config.nHead) * n * keyCount * headDim;
    macs.attentionMix += static_cast<std::int64_t>(m_config.nHead) * n * keyCount * headDim;

    // Output projection: (n, d)
    macs.projections += static_cast<std::int64_t>(n) * d * d;
    return matmul(heads, layer.attnProjWeight).rowwise() + layer.attnProjBias;
}

Matrix Transformer::mlp(const LayerWeights& layer, const Matrix& normed, MacCounts& macs) const
{
    const Matrix hidden = geluTanh(matmul(normed, layer.fcWeight).rowwise() + layer.fcBias); // (n, 4d)
    macs.mlp += 2LL * normed.rows() * m_config.nEmbd * m_config.mlpWidth();
    return matmul(hidden, layer.fcProjWeight).rowwise() + layer.fcProjBias;
}

} // namespace kv
