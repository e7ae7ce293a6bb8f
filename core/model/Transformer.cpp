#include "core/model/Transformer.h"

#include "core/cache/CapacityError.h"
#include "core/tensor/TensorOps.h"

#include <omp.h>

#include <cmath>
#include <limits>

namespace kv {

Transformer::Transformer(ModelConfig config, ModelWeights weights)
    : m_config(std::move(config))
    , m_weights(std::move(weights))
    , m_kernel(kernelFor(static_cast<Eigen::Index>(m_config.nEmbd) * m_config.mlpWidth()))
    , m_packed(pack(m_weights, m_kernel))
{
}

std::vector<Transformer::PackedLayer> Transformer::pack(const ModelWeights& weights, ProductKernel kernel)
{
    std::vector<PackedLayer> packed;
    if (kernel != ProductKernel::Blas || !PackedMatrix::available())
        return packed;
    for (const LayerWeights& layer : weights.layers)
        packed.push_back({PackedMatrix(layer.attnWeight), PackedMatrix(layer.attnProjWeight),
                          PackedMatrix(layer.fcWeight), PackedMatrix(layer.fcProjWeight)});
    return packed;
}

const Transformer::PackedLayer& Transformer::packedLayer(int index) const
{
    static const PackedLayer none;
    return m_packed.empty() ? none : m_packed[static_cast<std::size_t>(index)];
}

void Transformer::project(const View& x, const Matrix& weights, const PackedMatrix& packed, View out) const
{
    if (packed.empty())
        multiply(x, weights, out, m_kernel);
    else
        packed.multiply(x, out);
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

void Transformer::embed(std::span<const int> tokens, std::span<const int> positions, View x) const
{
    for (std::size_t i = 0; i < tokens.size(); ++i)
        x.row(static_cast<Eigen::Index>(i)) =
            m_weights.tokenEmbedding.row(tokens[i]) + m_weights.positionEmbedding.row(positions[i]);
}

ForwardResult Transformer::forward(std::span<const int> tokens, std::span<const int> positions, KVCache* cache,
                                   ForwardObserver* observer) const
{
    ForwardScratch scratch;
    return forward(tokens, positions, cache, observer, scratch);
}

ForwardResult Transformer::forward(std::span<const int> tokens, std::span<const int> positions, KVCache* cache,
                                   ForwardObserver* observer, ForwardScratch& scratch) const
{
    checkInputs(tokens, positions);
    ForwardResult result;
    const auto n = static_cast<Eigen::Index>(tokens.size());
    const int d = m_config.nEmbd;
    // Room for every thread's scores before any thread starts: a buffer
    // never grows while a pass reads it.
    const Eigen::Index keys = (cache ? cache->length(0) : 0) + n;
    scratch.view(ForwardScratch::Scores, n, keys, computeThreads() - 1);
    scratch.view(ForwardScratch::Weights, n, keys, computeThreads() - 1);
    View x = scratch.view(ForwardScratch::Hidden, n, d);
    View normed = scratch.view(ForwardScratch::Normed, n, d);
    View projected = scratch.view(ForwardScratch::Projected, n, d);

    // 1. Token + position embeddings: (n, d)
    embed(tokens, positions, x);

    for (int i = 0; i < m_config.nLayer; ++i) {
        const LayerWeights& layer = m_weights.layers[static_cast<std::size_t>(i)];
        // 2. Pre-LayerNorm causal self-attention with a residual connection.
        layerNorm(x, layer.ln1Gain, layer.ln1Bias, m_config.normEps, normed);
        attention(i, normed, cache, observer, scratch, projected, result.macs);
        x += projected;
        // 3. Pre-LayerNorm MLP with a residual connection.
        layerNorm(x, layer.ln2Gain, layer.ln2Bias, m_config.normEps, normed);
        mlp(layer, packedLayer(i), normed, scratch, projected, result.macs);
        x += projected;
    }

    // 4. Final LayerNorm and the tied LM head, for the last token only: it is
    //    the only one whose next token anyone asks for.
    View last = scratch.view(ForwardScratch::LastNormed, 1, d);
    layerNorm(x.bottomRows(1), m_weights.lnfGain, m_weights.lnfBias, m_config.normEps, last);
    result.logits.resize(m_config.vocabSize);
    multiplyTransposed(last, m_weights.tokenEmbedding, View(result.logits.data(), 1, m_config.vocabSize), m_kernel);
    result.macs.lmHead += static_cast<std::int64_t>(d) * m_config.vocabSize;
    return result;
}

void Transformer::attention(int layerIndex, const View& normed, KVCache* cache, ForwardObserver* observer,
                            ForwardScratch& scratch, View out, MacCounts& macs) const
{
    const LayerWeights& layer = m_weights.layers[static_cast<std::size_t>(layerIndex)];
    const int d = m_config.nEmbd;
    const int kvDim = m_config.kvDim();
    const auto n = normed.rows();

    // q | k | v for the new tokens: (n, d + 2*kv_dim)
    View qkv = scratch.view(ForwardScratch::Qkv, n, m_config.qkvWidth());
    project(normed, layer.attnWeight, packedLayer(layerIndex).attn, qkv);
    qkv.rowwise() += layer.attnBias;
    macs.projections += static_cast<std::int64_t>(n) * d * m_config.qkvWidth();

    // Keys and values the attention reads, as views (never copies): this
    // pass's own rows, or the cache after appending them. (keys read, kv_dim)
    int appendedFrom = 0;
    const float* keyData = qkv.data() + d;
    const float* valueData = qkv.data() + d + kvDim;
    Eigen::Index keyCount = n;
    Eigen::Index stride = qkv.outerStride();
    if (cache) {
        appendedFrom = cache->length(layerIndex);
        cache->append(layerIndex, qkv.middleCols(d, kvDim), qkv.middleCols(d + kvDim, kvDim));
        keyData = cache->keys(layerIndex).data();
        valueData = cache->values(layerIndex).data();
        keyCount = cache->length(layerIndex);
        stride = cache->keys(layerIndex).outerStride();
    }
    const ConstMatrixView keys(keyData, keyCount, kvDim, Eigen::OuterStride<>(stride));
    const ConstMatrixView values(valueData, keyCount, kvDim, Eigen::OuterStride<>(stride));

    // The heads are independent: split them between threads, unless an
    // observer wants them in order.
    View heads = scratch.view(ForwardScratch::Heads, n, d);
    const int threads = observer ? 1 : computeThreads();
    const bool worthThreads = threads > 1 && n * keyCount * d >= (1 << 16);
#pragma omp parallel for num_threads(threads) if (worthThreads) schedule(static)
    for (int h = 0; h < m_config.nHead; ++h)
        attendHead(layerIndex, h, qkv, keys, values, appendedFrom, observer, scratch, omp_get_thread_num(), heads);
    macs.attentionScores += static_cast<std::int64_t>(m_config.nHead) * n * keyCount * m_config.headDim();
    macs.attentionMix += static_cast<std::int64_t>(m_config.nHead) * n * keyCount * m_config.headDim();

    // Output projection: (n, d)
    project(heads, layer.attnProjWeight, packedLayer(layerIndex).attnProj, out);
    out.rowwise() += layer.attnProjBias;
    macs.projections += static_cast<std::int64_t>(n) * d * d;
}

void Transformer::attendHead(int layerIndex, int head, const View& qkv, const ConstMatrixView& keys,
                             const ConstMatrixView& values, int appendedFrom, ForwardObserver* observer,
                             ForwardScratch& scratch, int part, View heads) const
{
    const int headDim = m_config.headDim();
    const int kvHead = head / m_config.queriesPerKvHead();
    const auto n = qkv.rows();
    const auto keyCount = keys.rows();
    const auto q = qkv.middleCols(head * headDim, headDim);
    const auto k = keys.middleCols(kvHead * headDim, headDim);
    const auto v = values.middleCols(kvHead * headDim, headDim);

    // Scores q.k/sqrt(head_dim): (n, keys read). Query i sits at key row
    // appendedFrom + i and may not see rows after it.
    View scores = scratch.view(ForwardScratch::Scores, n, keyCount, part);
    multiplyTransposed(q, k, scores, m_kernel);
    scores *= 1.0f / std::sqrt(static_cast<float>(headDim));
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = appendedFrom + i + 1; j < keyCount; ++j)
            scores(i, j) = -std::numeric_limits<float>::infinity();
    View weights = scratch.view(ForwardScratch::Weights, n, keyCount, part);
    softmaxRows(scores, weights);
    // Mix: weights . V, (n, head_dim)
    auto output = heads.middleCols(head * headDim, headDim);
    multiply(weights, v, output, m_kernel);

    if (observer)
        observer->onHead(HeadRecord{layerIndex, head, kvHead, appendedFrom, q, k, v, scores, weights, output});
}

void Transformer::mlp(const LayerWeights& layer, const PackedLayer& packed, const View& normed, ForwardScratch& scratch, View out,
                      MacCounts& macs) const
{
    const auto n = normed.rows();
    View expanded = scratch.view(ForwardScratch::Expanded, n, m_config.mlpWidth()); // (n, 4d)
    project(normed, layer.fcWeight, packed.fc, expanded);
    expanded.rowwise() += layer.fcBias;
    geluTanhInPlace(expanded);
    project(expanded, layer.fcProjWeight, packed.fcProj, out);
    out.rowwise() += layer.fcProjBias;
    macs.mlp += 2LL * n * m_config.nEmbd * m_config.mlpWidth();
}

} // namespace kv
