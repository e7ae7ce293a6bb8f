#include "core/model/ModelWeights.h"

#include "core/io/LoadError.h"
#include "core/util/KvError.h"

#include <random>
#include <sstream>

namespace kv {

namespace {

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::ostringstream out;
    out << '[';
    for (std::size_t i = 0; i < shape.size(); ++i)
        out << (i ? ", " : "") << shape[i];
    out << ']';
    return out.str();
}

// Calls visit(tensor) with the in-memory tensor of `entry`'s role.
template <typename Weights, typename Visitor>
void withTensor(Weights& w, const WeightEntry& entry, Visitor&& visit)
{
    if (entry.layer < 0) {
        switch (entry.role) {
        case WeightRole::TokenEmbedding: return visit(w.tokenEmbedding);
        case WeightRole::PositionEmbedding: return visit(w.positionEmbedding);
        case WeightRole::FinalNormGain: return visit(w.finalNormGain);
        case WeightRole::FinalNormBias: return visit(w.finalNormBias);
        case WeightRole::Classifier: return visit(w.classifier);
        default: break;
        }
        throw KvError("weight " + entry.name + " is not a tensor outside the blocks");
    }
    auto& l = w.layers.at(static_cast<std::size_t>(entry.layer));
    switch (entry.role) {
    case WeightRole::AttnNormGain: return visit(l.attnNormGain);
    case WeightRole::AttnNormBias: return visit(l.attnNormBias);
    case WeightRole::Qkv: return visit(l.qkvWeight);
    case WeightRole::QkvBias: return visit(l.qkvBias);
    case WeightRole::AttnOut: return visit(l.outWeight);
    case WeightRole::AttnOutBias: return visit(l.outBias);
    case WeightRole::MlpNormGain: return visit(l.mlpNormGain);
    case WeightRole::MlpNormBias: return visit(l.mlpNormBias);
    case WeightRole::Up: return visit(l.upWeight);
    case WeightRole::UpBias: return visit(l.upBias);
    case WeightRole::Gate: return visit(l.gateWeight);
    case WeightRole::GateBias: return visit(l.gateBias);
    case WeightRole::Down: return visit(l.downWeight);
    case WeightRole::DownBias: return visit(l.downBias);
    default: break;
    }
    throw KvError("weight " + entry.name + " is not a tensor of a block");
}

// Writes `values` (the entry's stored shape, row-major) into its in-memory
// tensor, allocating it on first use; OutIn matrices are transposed to (in, out).
void place(ModelWeights& weights, const WeightEntry& entry, const ModelConfig& config, std::span<const float> values)
{
    const Eigen::Index rows = entry.shape.size() == 2 ? entry.shape[0] : 1;
    const Eigen::Index cols = entry.shape.size() == 2 ? entry.shape[1] : entry.shape[0];
    const Eigen::Map<const Matrix> stored(values.data(), rows, cols);
    withTensor(weights, entry, [&](auto& tensor) {
        if (tensor.size() == 0) {
            const auto [memoryRows, memoryCols] = memoryShape(entry.role, config);
            tensor.setZero(memoryRows, memoryCols);
        }
        if (entry.storage == WeightStorage::OutIn)
            tensor.middleCols(entry.column, rows) = stored.transpose();
        else
            tensor.middleCols(entry.column, cols) = stored;
    });
}

// The entry's values in its stored shape, row-major.
std::vector<float> extract(const ModelWeights& weights, const WeightEntry& entry)
{
    Matrix stored;
    withTensor(weights, entry, [&](const auto& tensor) {
        if (tensor.size() == 0)
            throw KvError("weight " + entry.name + " is not held here (a packed model's layers: Transformer::copyWeights)");
        const Matrix block = tensor.middleCols(entry.column, entry.outputs());
        stored = entry.storage == WeightStorage::OutIn ? Matrix(block.transpose()) : block;
    });
    return std::vector<float>(stored.data(), stored.data() + stored.size());
}

ModelWeights emptyWeights(const ModelConfig& config)
{
    ModelWeights weights;
    weights.layers.resize(static_cast<std::size_t>(config.nLayer));
    return weights;
}

} // namespace

ModelWeights ModelWeights::fromSafetensors(const SafetensorsFile& file, const ModelConfig& config)
{
    return fromSafetensors(file, config, [](const WeightEntry& entry) { return entry.name; });
}

ModelWeights ModelWeights::fromSafetensors(const SafetensorsFile& file, const ModelConfig& config,
                                           const std::function<std::string(const WeightEntry&)>& nameOf)
{
    ModelWeights weights = emptyWeights(config);
    for (const WeightEntry& entry : weightTable(config)) {
        const std::string name = nameOf(entry);
        const auto& info = file.info(name);
        if (info.shape != entry.shape)
            throw LoadError(file.sourceOf(name), "tensor \"" + name + "\" has shape " + shapeText(info.shape)
                                                     + ", expected " + shapeText(entry.shape) + " for this config");
        // F32 is read where it lies in the mapped file; other dtypes are widened first.
        if (const auto stored = file.inPlace(name))
            place(weights, entry, config, *stored);
        else
            place(weights, entry, config, file.floats(name));
        file.release(name); // the copy is made: the file's pages need not stay resident beside it
    }
    return weights;
}

ModelWeights ModelWeights::fromStored(const ModelConfig& config, const std::string& source,
                                      const std::function<StoredTensor(const WeightEntry&)>& tensorOf)
{
    ModelWeights weights = emptyWeights(config);
    for (const WeightEntry& entry : weightTable(config)) {
        const StoredTensor stored = tensorOf(entry);
        if (stored.shape != entry.shape)
            throw LoadError(source, "tensor \"" + entry.name + "\" has shape " + shapeText(stored.shape) + ", expected "
                                        + shapeText(entry.shape) + " for this config");
        if (stored.values.size() != static_cast<std::size_t>(entry.elements()))
            throw LoadError(source, "tensor \"" + entry.name + "\" holds " + std::to_string(stored.values.size())
                                        + " values, not the " + std::to_string(entry.elements()) + " of its shape");
        place(weights, entry, config, stored.values);
    }
    return weights;
}

ModelWeights ModelWeights::random(const ModelConfig& config, std::uint64_t seed, float scale)
{
    std::mt19937_64 generator(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    ModelWeights weights = emptyWeights(config);
    for (const WeightEntry& entry : weightTable(config)) {
        std::vector<float> values(static_cast<std::size_t>(entry.elements()));
        for (float& value : values)
            value = isNormGain(entry.role) ? 1.0f + 0.1f * normal(generator) : normal(generator);
        place(weights, entry, config, values);
    }
    return weights;
}

std::map<std::string, SafetensorsFile::FloatTensor> ModelWeights::toTensors(const ModelConfig& config) const
{
    std::map<std::string, SafetensorsFile::FloatTensor> tensors;
    for (const WeightEntry& entry : weightTable(config))
        tensors.emplace(entry.name, SafetensorsFile::FloatTensor{entry.shape, extract(*this, entry)});
    return tensors;
}

} // namespace kv
