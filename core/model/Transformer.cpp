#include "core/model/Transformer.h"

#include "core/cache/CapacityError.h"
#include "core/tensor/TensorOps.h"

#include <omp.h>

#include <cmath>
#include <limits>

namespace kv {

namespace {

// x += bias on every row; a model without this bias has an empty one.
void addBias(Eigen::Ref<Matrix> x, const RowVector& bias)
{
    if (bias.size() > 0)
        x.rowwise() += bias;
}

// The kernel's form of `weights`: read in place when they are a view of a
// mapped file whose rows are whole panels (GPT-2's Conv1D weights in F32), a
// packed copy otherwise; nothing for an absent matrix.
PackedMatrix packedForm(const WeightMatrix& weights)
{
    if (weights.size() == 0)
        return {};
    if (weights.isView() && PackedMatrix::fitsInPlace(weights.cols()))
        return PackedMatrix::inPlace(weights.data(), weights.rows(), weights.cols(), weights.owner());
    return PackedMatrix(weights.map());
}

} // namespace

Transformer::Transformer(ModelConfig config, ModelWeights weights)
    : m_config(std::move(config))
    , m_weights(std::move(weights))
    , m_kernel(kernelFor(static_cast<Eigen::Index>(m_config.nEmbd) * m_config.mlpWidth()))
    , m_packed(pack(m_weights, m_kernel))
{
    if (m_config.position == PositionKind::Rotary)
        m_rotary = RotaryTable(m_config.nPositions, m_config.headDim(), m_config.ropeTheta, m_config.ropeLayout);
}

std::vector<Transformer::PackedLayer> Transformer::pack(ModelWeights& weights, ProductKernel kernel)
{
    std::vector<PackedLayer> packed;
    if (kernel != ProductKernel::Blas || !PackedMatrix::available())
        return packed;
    for (LayerWeights& layer : weights.layers) {
        packed.push_back({packedForm(layer.qkvWeight), packedForm(layer.outWeight), packedForm(layer.upWeight),
                          packedForm(layer.gateWeight), packedForm(layer.downWeight)});
        // The packed form is the only one the products read: the originals go
        // layer by layer, so the weights are never held twice (GPT-2 small:
        // 324 MiB); an in-place matrix keeps the mapping alive itself.
        for (WeightMatrix* original : {&layer.qkvWeight, &layer.outWeight, &layer.upWeight, &layer.gateWeight, &layer.downWeight})
            *original = WeightMatrix();
    }
    return packed;
}

ModelWeights Transformer::copyWeights() const
{
    ModelWeights copy = m_weights;
    for (std::size_t i = 0; i < m_packed.size(); ++i) {
        const PackedLayer& packed = m_packed[i];
        LayerWeights& layer = copy.layers[i];
        layer.qkvWeight = packed.qkv.unpacked();
        layer.outWeight = packed.out.unpacked();
        layer.upWeight = packed.up.unpacked();
        layer.gateWeight = packed.gate.empty() ? WeightMatrix() : WeightMatrix(packed.gate.unpacked());
        layer.downWeight = packed.down.unpacked();
    }
    return copy;
}

WeightMemory Transformer::weightMemory() const
{
    WeightMemory memory;
    const auto count = [&](const WeightMatrix& weights) {
        (weights.isView() ? memory.mappedBytes : memory.copiedBytes) += weights.size() * std::int64_t(sizeof(float));
    };
    const auto countPacked = [&](const PackedMatrix& packed) {
        if (packed.isInPlace())
            memory.mappedBytes += packed.rows() * packed.cols() * std::int64_t(sizeof(float));
        else
            memory.copiedBytes += packed.copiedBytes();
    };
    for (const WeightMatrix* table : {&m_weights.tokenEmbedding, &m_weights.positionEmbedding, &m_weights.classifier})
        count(*table);
    for (const LayerWeights& layer : m_weights.layers)
        for (const WeightMatrix* matrix : {&layer.qkvWeight, &layer.outWeight, &layer.upWeight, &layer.gateWeight, &layer.downWeight})
            count(*matrix);
    for (const PackedLayer& layer : m_packed)
        for (const PackedMatrix* matrix : {&layer.qkv, &layer.out, &layer.up, &layer.gate, &layer.down})
            countPacked(*matrix);
    return memory;
}

const Transformer::PackedLayer& Transformer::packedLayer(int index) const
{
    static const PackedLayer none;
    return m_packed.empty() ? none : m_packed[static_cast<std::size_t>(index)];
}

void Transformer::project(const View& x, const WeightMatrix& weights, const PackedMatrix& packed, View out) const
{
    if (packed.empty())
        multiply(x, weights.map(), out, m_kernel);
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
    const bool learned = m_config.position == PositionKind::Learned;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto row = static_cast<Eigen::Index>(i);
        x.row(row) = m_weights.tokenEmbedding.row(tokens[i]);
        if (learned)
            x.row(row) += m_weights.positionEmbedding.row(positions[i]);
    }
}

void Transformer::norm(const Eigen::Ref<const Matrix>& x, const RowVector& gain, const RowVector& bias,
                       Eigen::Ref<Matrix> y) const
{
    switch (m_config.norm) {
    case NormKind::LayerNorm:
        layerNorm(x, gain, bias, m_config.normEps, y);
        return;
    case NormKind::RmsNorm:
        rmsNorm(x, gain, m_config.normEps, y);
        return;
    }
}

ForwardResult Transformer::forward(std::span<const int> tokens, std::span<const int> positions, KeyValueCache* cache,
                                   ForwardObserver* observer) const
{
    ForwardScratch scratch;
    return forward(tokens, positions, cache, observer, scratch);
}

ForwardResult Transformer::forward(std::span<const int> tokens, std::span<const int> positions, KeyValueCache* cache,
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

    // 1. Token embeddings, plus the learned position rows (GPT-2): (n, d).
    //    Rotary models add no position here; attention rotates q and k.
    embed(tokens, positions, x);

    for (int i = 0; i < m_config.nLayer; ++i) {
        const LayerWeights& layer = m_weights.layers[static_cast<std::size_t>(i)];
        // 2. Pre-norm causal self-attention with a residual connection.
        norm(x, layer.attnNormGain, layer.attnNormBias, normed);
        if (observer)
            observer->onStage(i, ForwardStage::AttnNorm, normed);
        attention(i, normed, positions, cache, observer, scratch, projected, result.macs);
        if (observer)
            observer->onStage(i, ForwardStage::AttnOutput, projected);
        x += projected;
        // 3. Pre-norm MLP (GELU or SwiGLU) with a residual connection.
        norm(x, layer.mlpNormGain, layer.mlpNormBias, normed);
        if (observer)
            observer->onStage(i, ForwardStage::MlpNorm, normed);
        mlp(layer, packedLayer(i), normed, scratch, projected, result.macs);
        if (observer)
            observer->onStage(i, ForwardStage::MlpOutput, projected);
        x += projected;
    }

    // 4. Final norm and the classifier (the token embedding when tied), for
    //    the last token only: it is the only one whose next token anyone asks for.
    View last = scratch.view(ForwardScratch::LastNormed, 1, d);
    norm(x.bottomRows(1), m_weights.finalNormGain, m_weights.finalNormBias, last);
    result.logits.resize(m_config.vocabSize);
    View logits(result.logits.data(), 1, m_config.vocabSize);
    multiplyTransposed(last, m_weights.lmHead().map(), logits, m_kernel);
    result.macs.lmHead += static_cast<std::int64_t>(d) * m_config.vocabSize;
    if (observer)
        observer->onStage(-1, ForwardStage::Logits, logits);
    return result;
}

void Transformer::attention(int layerIndex, const View& normed, std::span<const int> positions, KeyValueCache* cache,
                            ForwardObserver* observer, ForwardScratch& scratch, View out, MacCounts& macs) const
{
    const LayerWeights& layer = m_weights.layers[static_cast<std::size_t>(layerIndex)];
    const int d = m_config.nEmbd;
    const int qDim = m_config.qDim();
    const int kvDim = m_config.kvDim();
    const auto n = normed.rows();

    // q | k | v for the new tokens: (n, q_dim + 2*kv_dim)
    View qkv = scratch.view(ForwardScratch::Qkv, n, m_config.qkvWidth());
    project(normed, layer.qkvWeight, packedLayer(layerIndex).qkv, qkv);
    addBias(qkv, layer.qkvBias);
    macs.projections += static_cast<std::int64_t>(n) * d * m_config.qkvWidth();

    // Rotary positions: q and k turn by their token's position, before the
    // cache append, so a cached key already carries its position.
    if (m_config.position == PositionKind::Rotary) {
        if (observer) {
            observer->onStage(layerIndex, ForwardStage::QBeforeRope, qkv.leftCols(qDim));
            observer->onStage(layerIndex, ForwardStage::KBeforeRope, qkv.middleCols(qDim, kvDim));
        }
        m_rotary.rotate(qkv.leftCols(qDim + kvDim), positions);
        macs.rotary += 2LL * n * (qDim + kvDim);
    }
    if (observer) {
        observer->onStage(layerIndex, ForwardStage::Q, qkv.leftCols(qDim));
        observer->onStage(layerIndex, ForwardStage::K, qkv.middleCols(qDim, kvDim));
        observer->onStage(layerIndex, ForwardStage::V, qkv.middleCols(qDim + kvDim, kvDim));
    }

    // Keys and values the attention reads, as views (never copies): this
    // pass's own rows, or the cache after appending them. (keys read, kv_dim)
    int appendedFrom = 0;
    const float* keyData = qkv.data() + qDim;
    const float* valueData = qkv.data() + qDim + kvDim;
    Eigen::Index keyCount = n;
    Eigen::Index stride = qkv.outerStride();
    if (cache) {
        appendedFrom = cache->length(layerIndex);
        cache->append(layerIndex, qkv.middleCols(qDim, kvDim), qkv.middleCols(qDim + kvDim, kvDim));
        keyData = cache->keys(layerIndex).data();
        valueData = cache->values(layerIndex).data();
        keyCount = cache->length(layerIndex);
        stride = cache->keys(layerIndex).outerStride();
    }
    const ConstMatrixView keys(keyData, keyCount, kvDim, Eigen::OuterStride<>(stride));
    const ConstMatrixView values(valueData, keyCount, kvDim, Eigen::OuterStride<>(stride));

    // The heads are independent: split them between threads, unless an
    // observer wants them in order.
    View heads = scratch.view(ForwardScratch::Heads, n, qDim);
    const int threads = observer ? 1 : computeThreads();
    const bool worthThreads = threads > 1 && n * keyCount * qDim >= (1 << 16);
#pragma omp parallel for num_threads(threads) if (worthThreads) schedule(static)
    for (int h = 0; h < m_config.nHead; ++h)
        attendHead(layerIndex, h, qkv, keys, values, appendedFrom, observer, scratch, omp_get_thread_num(), heads);
    macs.attentionScores += static_cast<std::int64_t>(m_config.nHead) * n * keyCount * m_config.headDim();
    macs.attentionMix += static_cast<std::int64_t>(m_config.nHead) * n * keyCount * m_config.headDim();

    // Output projection: (n, d)
    project(heads, layer.outWeight, packedLayer(layerIndex).out, out);
    addBias(out, layer.outBias);
    macs.projections += static_cast<std::int64_t>(n) * qDim * d;
}

void Transformer::attendHead(int layerIndex, int head, const View& qkv, const ConstMatrixView& keys,
                             const ConstMatrixView& values, int appendedFrom, ForwardObserver* observer,
                             ForwardScratch& scratch, int part, View heads) const
{
    const int headDim = m_config.headDim();
    const int kvHead = head / m_config.queriesPerKvHead();
    const auto n = qkv.rows();
    const auto keyCount = keys.rows();
    const auto q = qkv.middleCols(head * headDim, headDim); // rotated, for rotary models
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

void Transformer::mlp(const LayerWeights& layer, const PackedLayer& packed, const View& normed, ForwardScratch& scratch,
                      View out, MacCounts& macs) const
{
    const auto n = normed.rows();
    const std::int64_t d = m_config.nEmbd, width = m_config.mlpWidth();
    View up = scratch.view(ForwardScratch::Expanded, n, width); // (n, hidden)
    project(normed, layer.upWeight, packed.up, up);
    addBias(up, layer.upBias);
    View* hidden = &up;
    View gate = scratch.view(ForwardScratch::Gate, m_config.mlp == MlpKind::SwiGlu ? n : 0, width);
    switch (m_config.mlp) {
    case MlpKind::GeluTanh: // GELU(x W_fc + b) W_proj + b
        geluTanhInPlace(up);
        macs.mlp += 2 * n * d * width;
        break;
    case MlpKind::SwiGlu: // (silu(x W_gate) * (x W_up)) W_down
        project(normed, layer.gateWeight, packed.gate, gate);
        addBias(gate, layer.gateBias);
        siluMultiplyInPlace(gate, up);
        hidden = &gate;
        macs.mlp += 3 * n * d * width;
        break;
    }
    project(*hidden, layer.downWeight, packed.down, out);
    addBias(out, layer.downBias);
}

} // namespace kv
