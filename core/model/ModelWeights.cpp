#include "core/model/ModelWeights.h"

#include "core/io/LoadError.h"
#include "core/io/LoadProgressMeter.h"
#include "core/util/KvError.h"

#include <algorithm>
#include <random>
#include <type_traits>
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

Eigen::Map<const Matrix> readable(const WeightMatrix& tensor)
{
    return tensor.map();
}

const RowVector& readable(const RowVector& tensor)
{
    return tensor;
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

ModelWeights emptyWeights(const ModelConfig& config)
{
    ModelWeights weights;
    weights.layers.resize(static_cast<std::size_t>(config.nLayer));
    return weights;
}

// One tensor as a loader hands it over.
struct TensorSource {
    std::uint64_t bytes = 0; // as stored (2 a value in BF16 and F16)
    // Values [first, first + out.size()) as float32; not needed when inPlace is set.
    std::function<void(std::size_t first, std::span<float> out)> read;
    const float* inPlace = nullptr;    // the F32 values where they lie, or null
    std::shared_ptr<const void> owner; // keeps inPlace valid after the load, or null
    std::function<void()> release;     // once copied: lets the stored values' pages go (optional)
};

// The entry's stored (rows, cols), row-major; a vector is one row.
std::pair<Eigen::Index, Eigen::Index> storedShape(const WeightEntry& entry)
{
    if (entry.shape.size() == 2)
        return {entry.shape[0], entry.shape[1]};
    return {1, entry.shape[0]};
}

// True when the entry alone fills its in-memory matrix, laid out as stored: a
// table or a Conv1D (in, out) matrix, which can be read where it lies.
// nn.Linear's (out, in) matrices (Llama's *_proj) are transposed into a copy.
bool viewable(const WeightEntry& entry, const ModelConfig& config)
{
    if (entry.storage != WeightStorage::Table && entry.storage != WeightStorage::InOut)
        return false;
    return entry.column == 0 && entry.outputs() == memoryShape(entry.role, config).second;
}

Matrix& writable(WeightMatrix& tensor)
{
    return tensor.owned();
}

RowVector& writable(RowVector& tensor)
{
    return tensor;
}

// The in-memory tensor of `entry` becomes a view of its stored values.
void placeView(ModelWeights& weights, const WeightEntry& entry, const float* values, std::shared_ptr<const void> owner)
{
    const auto [rows, cols] = storedShape(entry);
    withTensor(weights, entry, [&](auto& tensor) {
        if constexpr (std::is_same_v<std::decay_t<decltype(tensor)>, WeightMatrix>)
            tensor = WeightMatrix::view(values, rows, cols, std::move(owner));
        else
            throw KvError("weight " + entry.name + " is a vector, copied rather than viewed");
    });
}

// Writes stored rows [first, first + count) (`values`, row-major) into the
// entry's in-memory tensor, allocating it on first use; OutIn matrices are
// transposed to (in, out), their stored rows becoming columns.
void placeRows(ModelWeights& weights, const WeightEntry& entry, const ModelConfig& config, Eigen::Index first,
               Eigen::Index count, const float* values)
{
    const Eigen::Index cols = storedShape(entry).second;
    const Eigen::Map<const Matrix> stored(values, count, cols);
    withTensor(weights, entry, [&](auto& tensor) {
        auto& memory = writable(tensor);
        if (memory.size() == 0) {
            const auto [memoryRows, memoryCols] = memoryShape(entry.role, config);
            memory.setZero(memoryRows, memoryCols);
        }
        if (entry.storage == WeightStorage::OutIn)
            memory.block(0, entry.column + first, cols, count) = stored.transpose();
        else
            memory.block(first, entry.column, count, cols) = stored;
    });
}

// Copies (and widens) the tensor into memory a chunk of rows at a time,
// reporting each chunk, then lets its stored pages go.
void copyInChunks(ModelWeights& weights, const WeightEntry& entry, const ModelConfig& config,
                  const TensorSource& source, LoadProgressMeter& meter)
{
    const auto [rows, cols] = storedShape(entry);
    const std::uint64_t rowBytes = source.bytes / static_cast<std::uint64_t>(rows);
    const std::uint64_t rowsPerChunk = ModelWeights::kProgressChunkBytes / std::max<std::uint64_t>(1, rowBytes);
    const auto chunkRows = static_cast<Eigen::Index>(std::max<std::uint64_t>(1, rowsPerChunk));
    std::vector<float> buffer;
    for (Eigen::Index first = 0; first < rows; first += chunkRows) {
        const Eigen::Index count = std::min(chunkRows, rows - first);
        const float* values = source.inPlace ? source.inPlace + first * cols : nullptr;
        if (!values) {
            buffer.resize(static_cast<std::size_t>(count * cols));
            source.read(static_cast<std::size_t>(first * cols), buffer);
            values = buffer.data();
        }
        placeRows(weights, entry, config, first, count, values);
        meter.advance(static_cast<std::uint64_t>(count) * rowBytes);
    }
    if (source.release)
        source.release(); // the copy is made: the file's pages need not stay resident beside it
}

// Every entry of the table from its source (sources[i] for table[i]): a view
// where the tensor can be one, a copy otherwise.
ModelWeights readWeights(const ModelConfig& config, const std::vector<WeightEntry>& table,
                         const std::vector<TensorSource>& sources, LoadProgressMeter& meter)
{
    ModelWeights weights = emptyWeights(config);
    meter.report();
    for (std::size_t i = 0; i < table.size(); ++i) {
        const TensorSource& source = sources[i];
        if (source.inPlace && source.owner && viewable(table[i], config)) {
            placeView(weights, table[i], source.inPlace, source.owner);
            meter.advance(source.bytes);
        } else {
            copyInChunks(weights, table[i], config, source, meter);
        }
    }
    return weights;
}

std::uint64_t totalBytes(const std::vector<TensorSource>& sources)
{
    std::uint64_t total = 0;
    for (const TensorSource& source : sources)
        total += source.bytes;
    return total;
}

// Writes `values` (the entry's stored shape, row-major) into its in-memory tensor.
void place(ModelWeights& weights, const WeightEntry& entry, const ModelConfig& config, std::span<const float> values)
{
    placeRows(weights, entry, config, 0, storedShape(entry).first, values.data());
}

// The entry's values in its stored shape, row-major.
std::vector<float> extract(const ModelWeights& weights, const WeightEntry& entry)
{
    Matrix stored;
    withTensor(weights, entry, [&](const auto& tensor) {
        if (tensor.size() == 0)
            throw KvError("weight " + entry.name + " is not held here (a packed model's layers: Transformer::copyWeights)");
        const Matrix block = readable(tensor).middleCols(entry.column, entry.outputs());
        stored = entry.storage == WeightStorage::OutIn ? Matrix(block.transpose()) : block;
    });
    return std::vector<float>(stored.data(), stored.data() + stored.size());
}

} // namespace

ModelWeights ModelWeights::fromSafetensors(const SafetensorsFile& file, const ModelConfig& config)
{
    return fromSafetensors(file, config, [](const WeightEntry& entry) { return entry.name; });
}

ModelWeights ModelWeights::fromSafetensors(const SafetensorsFile& file, const ModelConfig& config,
                                           const std::function<std::string(const WeightEntry&)>& nameOf,
                                           const ProgressCallback& onProgress)
{
    const std::vector<WeightEntry> table = weightTable(config);
    std::vector<TensorSource> sources;
    for (const WeightEntry& entry : table) {
        const std::string name = nameOf(entry);
        const auto& info = file.info(name);
        if (info.shape != entry.shape)
            throw LoadError(file.sourceOf(name), "tensor \"" + name + "\" has shape " + shapeText(info.shape)
                                                     + ", expected " + shapeText(entry.shape) + " for this config");
        TensorSource source;
        source.bytes = info.end - info.begin;
        source.read = [&file, name](std::size_t first, std::span<float> out) { file.readFloats(name, first, out); };
        // F32 is read where it lies in the mapped file; other dtypes are widened.
        if (const auto stored = file.inPlace(name)) {
            source.inPlace = stored->data();
            source.owner = file.mappedFile(name);
        }
        source.release = [&file, name] { file.release(name); };
        sources.push_back(std::move(source));
    }
    LoadProgressMeter meter(onProgress, file.source(), totalBytes(sources));
    return readWeights(config, table, sources, meter);
}

ModelWeights ModelWeights::fromStored(const ModelConfig& config, const std::string& source,
                                      const std::function<StoredTensor(const WeightEntry&)>& tensorOf,
                                      const ProgressCallback& onProgress)
{
    const std::vector<WeightEntry> table = weightTable(config);
    std::vector<TensorSource> sources;
    for (const WeightEntry& entry : table) {
        const StoredTensor stored = tensorOf(entry);
        if (stored.shape != entry.shape)
            throw LoadError(source, "tensor \"" + entry.name + "\" has shape " + shapeText(stored.shape) + ", expected "
                                        + shapeText(entry.shape) + " for this config");
        if (stored.values.size() != static_cast<std::size_t>(entry.elements()))
            throw LoadError(source, "tensor \"" + entry.name + "\" holds " + std::to_string(stored.values.size())
                                        + " values, not the " + std::to_string(entry.elements()) + " of its shape");
        TensorSource tensor;
        tensor.bytes = stored.values.size_bytes();
        tensor.inPlace = stored.values.data();
        tensor.owner = stored.owner;
        sources.push_back(std::move(tensor));
    }
    LoadProgressMeter meter(onProgress, source, totalBytes(sources));
    return readWeights(config, table, sources, meter);
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
