#include "core/model/ModelConfig.h"

#include "core/io/ConfigKeys.h"
#include "core/io/LoadError.h"
#include "core/model/FamilyDefaults.h"

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

int optionalInt(const nlohmann::json& json, const char* key, int fallback, const std::string& source)
{
    return json.contains(key) ? requiredInt(json, key, source) : fallback;
}

float optionalFloat(const nlohmann::json& json, const char* key, float fallback, const std::string& source)
{
    if (!json.contains(key))
        return fallback;
    const auto& value = json.at(key);
    if (!value.is_number())
        throw LoadError(source, std::string("field \"") + key + "\" must be a number");
    return value.get<float>();
}

bool optionalBool(const nlohmann::json& json, const char* key, bool fallback, const std::string& source)
{
    if (!json.contains(key))
        return fallback;
    const auto& value = json.at(key);
    if (!value.is_boolean())
        throw LoadError(source, std::string("field \"") + key + "\" must be true or false");
    return value.get<bool>();
}

ModelFamily parseFamily(const std::string& text, const std::string& source)
{
    if (const FamilyDefaults* row = findFamily(text))
        return row->family;
    throw LoadError(source, "unsupported model family \"" + text + "\" (supported: " + familyNames() + ")");
}

RopeLayout parseRopeLayout(const std::string& text, const std::string& source)
{
    if (text == ropeLayoutName(RopeLayout::Interleaved))
        return RopeLayout::Interleaved;
    if (text == ropeLayoutName(RopeLayout::HalfSplit))
        return RopeLayout::HalfSplit;
    throw LoadError(source, "field \"rope_layout\" must be \"interleaved\" or \"half\", got \"" + text + "\"");
}

} // namespace

std::string familyName(ModelFamily family)
{
    return familyDefaults(family).name;
}

std::string ropeLayoutName(RopeLayout layout)
{
    return layout == RopeLayout::Interleaved ? "interleaved" : "half";
}

void ModelConfig::applyFamilyDefaults(ModelFamily newFamily)
{
    const FamilyDefaults& row = familyDefaults(newFamily);
    family = newFamily;
    norm = row.norm;
    position = row.position;
    mlp = row.mlp;
    attentionBias = row.attentionBias;
    mlpBias = row.mlpBias;
    tiedClassifier = row.tiedClassifier;
    normEps = row.normEps;
}

void ModelConfig::validate(const std::string& source) const
{
    auto require = [&](bool ok, const std::string& problem) {
        if (!ok)
            throw LoadError(source, problem);
    };
    require(nLayer >= 1, "n_layer must be at least 1, got " + std::to_string(nLayer));
    require(nHead >= 1, "n_head must be at least 1, got " + std::to_string(nHead));
    require(headDimOverride >= 0, "head_dim must not be negative, got " + std::to_string(headDimOverride));
    require(nEmbd >= 1 && (headDimOverride > 0 || nEmbd % nHead == 0),
            "n_embd (" + std::to_string(nEmbd) + ") must be a positive multiple of n_head ("
                + std::to_string(nHead) + ")");
    require(nKvHead >= 1 && nHead % nKvHead == 0,
            "n_kv_head (" + std::to_string(nKvHead) + ") must divide n_head ("
                + std::to_string(nHead) + ")");
    require(nPositions >= 1, "n_positions must be at least 1, got " + std::to_string(nPositions));
    require(vocabSize >= 1, "vocab_size must be at least 1, got " + std::to_string(vocabSize));
    require(intermediateSize >= 0, "intermediate_size must not be negative, got " + std::to_string(intermediateSize));
    require(normEps > 0.0f, std::string(familyDefaults(family).epsKey) + " must be positive");
    require(position != PositionKind::Rotary || headDim() % 2 == 0,
            "rotary positions need an even head dimension, got " + std::to_string(headDim()));
    require(position != PositionKind::Rotary || ropeTheta > 0.0f, "rope_theta must be positive");
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

ModelConfig ModelConfig::llama(const std::string& name, int layers, int embd, int heads, int kvHeads, int context,
                               int vocab, int intermediate)
{
    ModelConfig config;
    config.applyFamilyDefaults(ModelFamily::Llama);
    config.name = name;
    config.nLayer = layers;
    config.nEmbd = embd;
    config.nHead = heads;
    config.nKvHead = kvHeads;
    config.nPositions = context;
    config.vocabSize = vocab;
    config.intermediateSize = intermediate;
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
    config.applyFamilyDefaults(parseFamily(optionalString(json, "family", "gpt2", source), source));
    config.name = optionalString(json, "name", "", source);
    config.nLayer = requiredInt(json, "n_layer", source);
    config.nEmbd = requiredInt(json, "n_embd", source);
    config.nHead = requiredInt(json, "n_head", source);
    config.nKvHead = optionalInt(json, "n_kv_head", config.nHead, source);
    config.nPositions = requiredInt(json, "n_positions", source);
    config.vocabSize = requiredInt(json, "vocab_size", source);
    config.headDimOverride = optionalInt(json, "head_dim", 0, source);
    config.intermediateSize = optionalInt(json, "intermediate_size", 0, source);
    config.normEps = optionalFloat(json, familyDefaults(config.family).epsKey, config.normEps, source);
    config.attentionBias = optionalBool(json, "attention_bias", config.attentionBias, source);
    config.mlpBias = optionalBool(json, "mlp_bias", config.mlpBias, source);
    config.tiedClassifier = optionalBool(json, "tie_word_embeddings", config.tiedClassifier, source);
    config.ropeTheta = optionalFloat(json, "rope_theta", config.ropeTheta, source);
    config.ropeLayout = parseRopeLayout(optionalString(json, "rope_layout", ropeLayoutName(config.ropeLayout), source),
                                        source);
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
