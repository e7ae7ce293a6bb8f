#include "core/model/ModelConfig.h"

#include "core/io/ConfigKeys.h"
#include "core/io/LoadError.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace kv {

namespace {

int requiredInt(const nlohmann::json& json, const char* key, const std::string& source)
{
    if (!json.contains(key))
        throw LoadError(source, std::string("missing field \"") + key + "\"");
    const auto& value = json.at(key);
    if (!value.is_number_integer())
        throw LoadError(source, std::string("field \"") + key + "\" must be an integer");
    return value.get<int>();
}

std::string optionalString(const nlohmann::json& json, const char* key, const std::string& fallback,
                           const std::string& source)
{
    if (!json.contains(key))
        return fallback;
    const auto& value = json.at(key);
    if (!value.is_string())
        throw LoadError(source, std::string("field \"") + key + "\" must be a string");
    return value.get<std::string>();
}

ModelFamily parseFamily(const std::string& text, const std::string& source)
{
    if (text == "gpt2")
        return ModelFamily::Gpt2;
    throw LoadError(source, "unsupported model family \"" + text + "\" (supported: gpt2)");
}

} // namespace

std::string familyName(ModelFamily family)
{
    switch (family) {
    case ModelFamily::Gpt2:
        return "gpt2";
    }
    return "unknown";
}

void ModelConfig::validate(const std::string& source) const
{
    auto require = [&](bool ok, const std::string& problem) {
        if (!ok)
            throw LoadError(source, problem);
    };
    require(nLayer >= 1, "n_layer must be at least 1, got " + std::to_string(nLayer));
    require(nHead >= 1, "n_head must be at least 1, got " + std::to_string(nHead));
    require(nEmbd >= 1 && nEmbd % nHead == 0,
            "n_embd (" + std::to_string(nEmbd) + ") must be a positive multiple of n_head ("
                + std::to_string(nHead) + ")");
    require(nKvHead >= 1 && nHead % nKvHead == 0,
            "n_kv_head (" + std::to_string(nKvHead) + ") must divide n_head ("
                + std::to_string(nHead) + ")");
    require(nPositions >= 1, "n_positions must be at least 1, got " + std::to_string(nPositions));
    require(vocabSize >= 1, "vocab_size must be at least 1, got " + std::to_string(vocabSize));
    require(layerNormEps > 0.0f, "layer_norm_epsilon must be positive");
}

ModelConfig ModelConfig::gpt2(const std::string& name, int layers, int embd, int heads, int kvHeads, int context,
                              int vocab)
{
    ModelConfig config;
    config.name = name;
    config.nLayer = layers;
    config.nEmbd = embd;
    config.nHead = heads;
    config.nKvHead = kvHeads;
    config.nPositions = context;
    config.vocabSize = vocab;
    config.validate("model shape " + name);
    return config;
}

// The error boundary of config.json: whatever nlohmann throws while reading
// leaves as a LoadError naming the file (the key kinds are checked first, so
// that a wrong kind names its key).
ModelConfig ModelConfig::fromJsonText(const std::string& text, const std::string& source)
try {
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        throw LoadError::invalidJson(source, "the file", text, error.byte);
    } catch (const nlohmann::json::out_of_range&) { // e.g. 1e999
        throw LoadError(source, "holds a number too large to read");
    }
    if (!json.is_object())
        throw LoadError(source, "must hold one JSON object { ... } of settings");
    requireKinds(json, configKeyKinds(), source);

    ModelConfig config;
    config.family = parseFamily(optionalString(json, "family", "gpt2", source), source);
    config.name = optionalString(json, "name", "", source);
    config.nLayer = requiredInt(json, "n_layer", source);
    config.nEmbd = requiredInt(json, "n_embd", source);
    config.nHead = requiredInt(json, "n_head", source);
    config.nKvHead = json.contains("n_kv_head") ? requiredInt(json, "n_kv_head", source) : config.nHead;
    config.nPositions = requiredInt(json, "n_positions", source);
    config.vocabSize = requiredInt(json, "vocab_size", source);
    if (json.contains("layer_norm_epsilon")) {
        if (!json.at("layer_norm_epsilon").is_number())
            throw LoadError(source, "field \"layer_norm_epsilon\" must be a number");
        config.layerNormEps = json.at("layer_norm_epsilon").get<float>();
    }
    config.eosToken = optionalString(json, "eos_token", "[EOS]", source);
    config.validate(source);
    return config;
} catch (const nlohmann::json::exception&) {
    throw LoadError(source, "holds a value of a kind the config reader does not accept");
}

ModelConfig ModelConfig::fromJsonFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw LoadError(path, "cannot open file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return fromJsonText(buffer.str(), path);
}

} // namespace kv
