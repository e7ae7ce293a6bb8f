#include "core/io/HuggingFaceConfig.h"

#include "core/io/LoadError.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace kv {

namespace {

using Json = nlohmann::json;

// A key that must be there and be a whole number that fits an int.
int requiredInt(const Json& json, const std::string& key, const std::string& source)
{
    if (!json.contains(key) || json.at(key).is_null())
        throw LoadError(source, "has no \"" + key + "\"");
    const Json& value = json.at(key);
    if (!value.is_number_integer())
        throw LoadError(source, "\"" + key + "\" must be a whole number");
    const auto number = value.get<std::int64_t>();
    if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max())
        throw LoadError(source, "\"" + key + "\" is too large");
    return static_cast<int>(number);
}

int optionalInt(const Json& json, const std::string& key, int fallback, const std::string& source)
{
    return json.contains(key) && !json.at(key).is_null() ? requiredInt(json, key, source) : fallback;
}

float optionalFloat(const Json& json, const std::string& key, float fallback, const std::string& source)
{
    if (!json.contains(key) || json.at(key).is_null())
        return fallback;
    const Json& value = json.at(key);
    if (!value.is_number())
        throw LoadError(source, "\"" + key + "\" must be a number");
    const double number = value.get<double>();
    if (!std::isfinite(number) || std::abs(number) > std::numeric_limits<float>::max())
        throw LoadError(source, "\"" + key + "\" must be a finite number");
    return static_cast<float>(number);
}

bool optionalBool(const Json& json, const std::string& key, bool fallback, const std::string& source)
{
    if (!json.contains(key) || json.at(key).is_null())
        return fallback;
    if (!json.at(key).is_boolean())
        throw LoadError(source, "\"" + key + "\" must be true or false");
    return json.at(key).get<bool>();
}

std::string optionalString(const Json& json, const std::string& key, const std::string& fallback,
                           const std::string& source)
{
    if (!json.contains(key) || json.at(key).is_null())
        return fallback;
    if (!json.at(key).is_string())
        throw LoadError(source, "\"" + key + "\" must be a string");
    return json.at(key).get<std::string>();
}

std::string supportedList()
{
    std::string list;
    for (const std::string& type : HuggingFaceConfig::supportedModelTypes())
        list += (list.empty() ? "" : ", ") + type;
    return list;
}

// GPT-2: LayerNorm, learned positions, GELU (tanh form), biases, tied head.
ModelConfig gpt2Config(const Json& json, const std::string& source)
{
    ModelConfig config;
    config.applyFamilyDefaults(ModelFamily::Gpt2);
    config.nLayer = requiredInt(json, "n_layer", source);
    config.nEmbd = requiredInt(json, "n_embd", source);
    config.nHead = requiredInt(json, "n_head", source);
    config.nKvHead = config.nHead;
    config.nPositions = json.contains("n_positions") ? requiredInt(json, "n_positions", source)
                                                     : requiredInt(json, "n_ctx", source);
    config.vocabSize = requiredInt(json, "vocab_size", source);
    config.intermediateSize = optionalInt(json, "n_inner", 0, source);
    config.normEps = optionalFloat(json, "layer_norm_epsilon", 1e-5f, source);
    const std::string activation = optionalString(json, "activation_function", "gelu_new", source);
    if (activation != "gelu_new")
        throw LoadError(source, "activation_function \"" + activation
                                    + "\" is not supported: this app computes gelu_new (the tanh GELU) only");
    return config;
}

// Llama and Qwen2: RMSNorm, rotary positions in HF's half-split layout, SwiGLU.
ModelConfig llamaConfig(const Json& json, const std::string& modelType, const std::string& source)
{
    if (json.contains("rope_scaling") && !json.at("rope_scaling").is_null())
        throw LoadError(source, "rope_scaling " + json.at("rope_scaling").dump()
                                    + " is not supported: this app computes plain RoPE only (rope_scaling null)");
    ModelConfig config;
    config.applyFamilyDefaults(ModelFamily::Llama);
    config.nLayer = requiredInt(json, "num_hidden_layers", source);
    config.nEmbd = requiredInt(json, "hidden_size", source);
    config.nHead = requiredInt(json, "num_attention_heads", source);
    config.nKvHead = optionalInt(json, "num_key_value_heads", config.nHead, source);
    config.nPositions = requiredInt(json, "max_position_embeddings", source);
    config.vocabSize = requiredInt(json, "vocab_size", source);
    config.intermediateSize = requiredInt(json, "intermediate_size", source);
    config.headDimOverride = optionalInt(json, "head_dim", 0, source);
    config.normEps = optionalFloat(json, "rms_norm_eps", 1e-6f, source);
    config.ropeTheta = optionalFloat(json, "rope_theta", 10000.0f, source);
    config.ropeLayout = RopeLayout::HalfSplit;
    config.tiedClassifier = optionalBool(json, "tie_word_embeddings", false, source);
    // Qwen2 has q/k/v biases and no output bias; Llama has them when attention_bias says so.
    config.attentionBias = modelType == "qwen2" ? true : optionalBool(json, "attention_bias", false, source);
    config.mlpBias = optionalBool(json, "mlp_bias", false, source);
    return config;
}

} // namespace

const std::vector<std::string>& HuggingFaceConfig::supportedModelTypes()
{
    static const std::vector<std::string> types{"gpt2", "llama", "qwen2"};
    return types;
}

std::string HuggingFaceConfig::modelType(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        return {};
    const Json json = Json::parse(in, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("model_type") || !json.at("model_type").is_string())
        return {};
    return json.at("model_type").get<std::string>();
}

ModelConfig HuggingFaceConfig::fromJsonFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw LoadError(path, "cannot be opened");
    std::ostringstream text;
    text << in.rdbuf();
    return fromJsonText(text.str(), path);
}

ModelConfig HuggingFaceConfig::fromJsonText(const std::string& text, const std::string& source)
{
    const Json json = Json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        throw LoadError(source, "is not a JSON object");
    const std::string modelType = optionalString(json, "model_type", "", source);
    ModelConfig config;
    if (modelType == "gpt2")
        config = gpt2Config(json, source);
    else if (modelType == "llama" || modelType == "qwen2")
        config = llamaConfig(json, modelType, source);
    else
        throw LoadError(source, (modelType.empty() ? std::string("has no model_type")
                                                   : "model_type \"" + modelType + "\" is not supported")
                                    + "; supported: " + supportedList());
    config.validate(source);
    return config;
}

} // namespace kv
