#include "core/lab/MemoryCalculator.h"

#include "core/lab/CalculatorError.h"
#include "core/model/CostModel.h"
#include "core/util/NumberFormat.h"

#include <algorithm>
#include <sstream>

namespace kv {

namespace {

// Largest GPU budget accepted (1 PB): keeps bits-of-budget arithmetic far from overflow.
constexpr std::int64_t kMaxGpuBytes = std::int64_t(1) << 50;

using Factor = MemoryCalculator::Factor;

std::string counted(std::int64_t value, const std::string& unit)
{
    return std::to_string(value) + " " + unit;
}

// Throws CalculatorError when the product of the factors' values does not fit in 64 bits.
void requireProductFits(const std::vector<Factor>& factors)
{
    std::int64_t product = 1;
    for (const Factor& factor : factors)
        if (__builtin_mul_overflow(product, factor.value, &product))
            throw CalculatorError("the sizes are too large to count: the product of the formula's factors "
                                  "exceeds 64 bits (reduce the context or the batch)");
}

void require(bool ok, const std::string& problem)
{
    if (!ok)
        throw CalculatorError(problem);
}

std::vector<Factor> cacheFactors(const ModelPreset& model, DataType type, std::int64_t tokens, std::int64_t batch,
                                 const std::string& tokensNote)
{
    std::vector<Factor> factors;
    if (model.attention == AttentionKind::Standard)
        factors.push_back({2, "2"});
    factors.push_back({bitsPerElement(type), bytesPerElementText(type)});
    factors.push_back({model.layers, counted(model.layers, "layers")});
    if (model.attention == AttentionKind::Standard) {
        factors.push_back({model.kvHeads, counted(model.kvHeads, "KV heads")});
        factors.push_back({model.headDim, counted(model.headDim, "head_dim")});
    } else {
        factors.push_back({model.latentElements(), counted(model.latentElements(), "latent elements")});
    }
    factors.push_back({tokens, counted(tokens, "tokens") + tokensNote});
    factors.push_back({batch, counted(batch, "batch")});
    return factors;
}

void validateShape(const ModelPreset& model)
{
    require(model.layers >= 1, model.name + ": layers must be at least 1, got " + std::to_string(model.layers));
    require(model.heads >= 1, model.name + ": heads must be at least 1, got " + std::to_string(model.heads));
    require(!model.slidingWindow || *model.slidingWindow >= 1,
            model.name + ": a sliding window must hold at least 1 token, got " + std::to_string(model.slidingWindow.value_or(0)));
    require(model.parameters >= 0,
            model.name + ": the parameter count cannot be negative, got " + std::to_string(model.parameters));
    if (model.attention == AttentionKind::LatentMla) {
        require(model.latentRank >= 1 && model.latentRopeDim >= 0,
                model.name + ": the MLA latent needs a rank of at least 1 and a non-negative RoPE dimension");
        return;
    }
    require(model.headDim >= 1, model.name + ": head_dim must be at least 1, got " + std::to_string(model.headDim));
    require(model.kvHeads >= 1 && model.heads % model.kvHeads == 0,
            model.name + ": KV heads (" + std::to_string(model.kvHeads) + ") must divide the query heads ("
                + std::to_string(model.heads) + "), each KV head serving a whole group of query heads");
}

ModelPreset withKvHeads(ModelPreset model, std::optional<int> kvHeads)
{
    if (!kvHeads)
        return model;
    require(model.attention == AttentionKind::Standard,
            model.name + " uses " + model.attentionName()
                + ": it caches one latent per token, so a KV-heads override does not apply");
    model.kvHeads = *kvHeads;
    return model;
}

} // namespace

MemoryCalculator::MemoryCalculator(ModelPreset model, MemorySettings settings)
    : m_publishedKvHeads(model.kvHeads)
    , m_model(withKvHeads(std::move(model), settings.kvHeads))
    , m_settings(settings)
{
    validateShape(m_model);
    require(m_settings.context >= 1,
            "the context must be at least 1 token, got " + std::to_string(m_settings.context));
    require(m_settings.batch >= 1, "the batch must be at least 1 sequence, got " + std::to_string(m_settings.batch));
    requireProductFits(factors(cachedTokens(), m_settings.batch));
    requireProductFits({{m_model.parameters, "parameters"}, {bitsPerElement(m_settings.dataType), "bits"}});
}

MemoryCalculator MemoryCalculator::fromConfig(const ModelConfig& config)
{
    MemorySettings settings;
    settings.dataType = DataType::Fp32;
    settings.context = config.nPositions;
    return MemoryCalculator(ModelPreset::fromConfig(config), settings);
}

std::int64_t MemoryCalculator::cachedTokens() const
{
    return std::min(m_settings.context, m_model.slidingWindow.value_or(m_settings.context));
}

std::int64_t MemoryCalculator::bytesPerToken() const
{
    return bitsToBytes(cacheBits(1, 1));
}

std::int64_t MemoryCalculator::totalBytes() const
{
    return bitsToBytes(cacheBits(cachedTokens(), m_settings.batch));
}

std::int64_t MemoryCalculator::weightsBytes() const
{
    return bitsToBytes(m_model.parameters * bitsPerElement(m_settings.dataType));
}

std::string MemoryCalculator::formula() const
{
    std::string text;
    for (const Factor& factor : factors(cachedTokens(), m_settings.batch))
        text += (text.empty() ? "" : " x ") + factor.text;
    return text + " = " + groupDigits(totalBytes()) + " B";
}

std::vector<std::string> MemoryCalculator::notes() const
{
    std::vector<std::string> notes;
    for (std::string note : {m_model.attentionNote(), kvHeadsNote(), windowNote(), contextNote()})
        if (!note.empty())
            notes.push_back(std::move(note));
    if (m_model.parameters == 0)
        notes.emplace_back("parameter count unknown: the weights are not counted");
    return notes;
}

MemoryCalculator::GpuSplit MemoryCalculator::split(const GpuPreset& gpu) const
{
    requireGpu(gpu);
    GpuSplit split;
    split.gpuBytes = gpu.bytes;
    split.weightsBytes = weightsBytes();
    split.cacheBytes = totalBytes();
    split.leftBytes = gpu.bytes - split.weightsBytes - split.cacheBytes;
    return split;
}

std::int64_t MemoryCalculator::maxTokensThatFit(const GpuPreset& gpu, std::int64_t batch) const
{
    requireGpu(gpu);
    require(batch >= 1, "the batch must be at least 1 sequence, got " + std::to_string(batch));
    const std::int64_t left = gpu.bytes - weightsBytes();
    if (left <= 0)
        return 0;
    requireProductFits(factors(1, batch));
    return left * 8 / cacheBits(1, batch);
}

std::vector<Factor> MemoryCalculator::factors(std::int64_t tokens, std::int64_t batch) const
{
    const std::string tokensNote = windowCaps() ? " (sliding window)" : "";
    return cacheFactors(m_model, m_settings.dataType, tokens, batch, tokensNote);
}

std::int64_t MemoryCalculator::cacheBits(std::int64_t tokens, std::int64_t batch) const
{
    const std::int64_t bits = bitsPerElement(m_settings.dataType);
    if (m_model.attention == AttentionKind::LatentMla)
        return bits * m_model.layers * m_model.latentElements() * tokens * batch;
    // Bits, not bytes, per element: int4's half byte stays an integer.
    return CostModel::kvBytes(m_model.layers, m_model.kvHeads, m_model.headDim, tokens, batch, bits);
}

std::string MemoryCalculator::kvHeadsNote() const
{
    std::string note;
    if (m_model.kvHeads != m_publishedKvHeads)
        note = "what if: " + std::to_string(m_model.kvHeads) + " KV heads instead of " + m_model.name + "'s "
            + std::to_string(m_publishedKvHeads) + "; ";
    if (m_model.attention != AttentionKind::Standard || m_model.kvHeads == m_model.heads)
        return note.empty() ? note : note + "MHA: every query head has its own K and V";
    const std::string group = std::to_string(m_model.heads / m_model.kvHeads);
    return note + m_model.attentionName() + ": " + group + " query heads share each KV head, so the cache is " + group
        + "x smaller than with one per query head";
}

std::string MemoryCalculator::windowNote() const
{
    if (!m_model.slidingWindow)
        return {};
    const std::string window = groupDigits(*m_model.slidingWindow);
    if (windowCaps())
        return m_model.name + "'s sliding window keeps only the last " + window + " tokens: the cache stops growing there, "
            + "whatever the context (" + groupDigits(m_settings.context) + " tokens here)";
    return m_model.name + "'s sliding window would cap the cache at " + window + " tokens; this context of "
        + groupDigits(m_settings.context) + " stays under it";
}

std::string MemoryCalculator::contextNote() const
{
    if (m_model.maxContext == 0 || m_settings.context <= m_model.maxContext)
        return {};
    return "a context of " + groupDigits(m_settings.context) + " tokens is beyond " + m_model.name
        + "'s trained maximum of " + groupDigits(m_model.maxContext);
}

void MemoryCalculator::requireGpu(const GpuPreset& gpu)
{
    require(gpu.bytes >= 1 && gpu.bytes <= kMaxGpuBytes,
            gpu.name + ": a GPU budget must be between 1 B and 1 PB, got " + std::to_string(gpu.bytes) + " B");
}

} // namespace kv
