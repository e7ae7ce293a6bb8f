#include "core/model/ModelWeights.h"

#include "core/io/LoadError.h"

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

// Visits every parameter with its checkpoint name and expected shape, so that
// loading, random initialisation and saving cannot disagree on the list.
template <typename Weights, typename Visitor>
void forEachTensor(Weights& weights, const ModelConfig& config, Visitor&& visit)
{
    const std::int64_t d = config.nEmbd;
    visit("wte.weight", weights.tokenEmbedding, std::vector<std::int64_t>{config.vocabSize, d});
    visit("wpe.weight", weights.positionEmbedding, std::vector<std::int64_t>{config.nPositions, d});
    for (int i = 0; i < config.nLayer; ++i) {
        auto& layer = weights.layers[static_cast<std::size_t>(i)];
        const std::string prefix = "h." + std::to_string(i) + ".";
        visit(prefix + "ln_1.weight", layer.ln1Gain, std::vector<std::int64_t>{d});
        visit(prefix + "ln_1.bias", layer.ln1Bias, std::vector<std::int64_t>{d});
        visit(prefix + "attn.c_attn.weight", layer.attnWeight, std::vector<std::int64_t>{d, config.qkvWidth()});
        visit(prefix + "attn.c_attn.bias", layer.attnBias, std::vector<std::int64_t>{config.qkvWidth()});
        visit(prefix + "attn.c_proj.weight", layer.attnProjWeight, std::vector<std::int64_t>{d, d});
        visit(prefix + "attn.c_proj.bias", layer.attnProjBias, std::vector<std::int64_t>{d});
        visit(prefix + "ln_2.weight", layer.ln2Gain, std::vector<std::int64_t>{d});
        visit(prefix + "ln_2.bias", layer.ln2Bias, std::vector<std::int64_t>{d});
        visit(prefix + "mlp.c_fc.weight", layer.fcWeight, std::vector<std::int64_t>{d, config.mlpWidth()});
        visit(prefix + "mlp.c_fc.bias", layer.fcBias, std::vector<std::int64_t>{config.mlpWidth()});
        visit(prefix + "mlp.c_proj.weight", layer.fcProjWeight, std::vector<std::int64_t>{config.mlpWidth(), d});
        visit(prefix + "mlp.c_proj.bias", layer.fcProjBias, std::vector<std::int64_t>{d});
    }
    visit("ln_f.weight", weights.lnfGain, std::vector<std::int64_t>{d});
    visit("ln_f.bias", weights.lnfBias, std::vector<std::int64_t>{d});
}

template <typename Tensor>
void assign(Tensor& tensor, const std::vector<std::int64_t>& shape, const std::vector<float>& values)
{
    const Eigen::Index rows = shape.size() == 2 ? shape[0] : 1;
    const Eigen::Index cols = shape.size() == 2 ? shape[1] : shape[0];
    tensor = Eigen::Map<const Matrix>(values.data(), rows, cols);
}

bool isGain(const std::string& name)
{
    return name.find("ln_") != std::string::npos && name.ends_with(".weight");
}

} // namespace

ModelWeights ModelWeights::fromSafetensors(const SafetensorsFile& file, const ModelConfig& config)
{
    ModelWeights weights;
    weights.layers.resize(static_cast<std::size_t>(config.nLayer));
    forEachTensor(weights, config, [&](const std::string& name, auto& tensor, const std::vector<std::int64_t>& shape) {
        const auto& info = file.info(name);
        if (info.shape != shape)
            throw LoadError(file.source(), "tensor \"" + name + "\" has shape " + shapeText(info.shape)
                                               + ", expected " + shapeText(shape) + " for this config");
        assign(tensor, shape, file.floats(name));
    });
    return weights;
}

ModelWeights ModelWeights::random(const ModelConfig& config, std::uint64_t seed, float scale)
{
    std::mt19937_64 generator(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    ModelWeights weights;
    weights.layers.resize(static_cast<std::size_t>(config.nLayer));
    forEachTensor(weights, config, [&](const std::string& name, auto& tensor, const std::vector<std::int64_t>& shape) {
        std::vector<float> values(static_cast<std::size_t>(shape.size() == 2 ? shape[0] * shape[1] : shape[0]));
        for (float& value : values)
            value = isGain(name) ? 1.0f + 0.1f * normal(generator) : normal(generator);
        assign(tensor, shape, values);
    });
    return weights;
}

std::map<std::string, SafetensorsFile::FloatTensor> ModelWeights::toTensors(const ModelConfig& config) const
{
    std::map<std::string, SafetensorsFile::FloatTensor> tensors;
    forEachTensor(*this, config, [&](const std::string& name, const auto& tensor, const std::vector<std::int64_t>& shape) {
        std::vector<float> values(tensor.data(), tensor.data() + tensor.size());
        tensors.emplace(name, SafetensorsFile::FloatTensor{shape, std::move(values)});
    });
    return tensors;
}

} // namespace kv
