#include "core/model/ModelConfig.h"

#include "core/io/ConfigKeys.h"
#include "core/io/LoadError.h"
#include "core/model/FamilyDefaults.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace kv {

namespace {

// Every key's JSON kind was checked against configKeyKinds() before these
// read it (fromJsonText), so they only supply what is missing.
int requiredInt(const nlohmann::json& json, const char* key, const std::string& source)
{
    if (!json.contains(key))
        throw LoadError(source, std::string("missing field \"") + key + "\"");
    return json.at(key).get<int>();
}

template <typename T>
T optional(const nlohmann::json& json, const char* key, T fallback)
{
    return json.contains(key) ? json.at(key).get<T>() : fallback;
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

namespace {

// A shape of `family` with the family's block choices, validated.
ModelConfig shaped(ModelFamily family, const std::string& name, int layers, int embd, int heads, int kvHeads,
                   int context, int vocab, int intermediate)
{
    ModelConfig config;
    config.applyFamilyDefaults(family);
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

} // namespace

ModelConfig ModelConfig::gpt2(const std::string& name, int layers, int embd, int heads, int kvHeads, int context,
                              int vocab)
{
    return shaped(ModelFamily::Gpt2, name, layers, embd, heads, kvHeads, context, vocab, 0);
}

ModelConfig ModelConfig::llama(const std::string& name, int layers, int embd, int heads, int kvHeads, int context,
                               int vocab, int intermediate)
{
    return shaped(ModelFamily::Llama, name, layers, embd, heads, kvHeads, context, vocab, intermediate);
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
    config.applyFamilyDefaults(parseFamily(optional<std::string>(json, "family", "gpt2"), source));
    config.name = optional<std::string>(json, "name", "");
    config.nLayer = requiredInt(json, "n_layer", source);
    config.nEmbd = requiredInt(json, "n_embd", source);
    config.nHead = requiredInt(json, "n_head", source);
    config.nKvHead = optional<int>(json, "n_kv_head", config.nHead);
    config.nPositions = requiredInt(json, "n_positions", source);
    config.vocabSize = requiredInt(json, "vocab_size", source);
    config.headDimOverride = optional<int>(json, "head_dim", 0);
    config.intermediateSize = optional<int>(json, "intermediate_size", 0);
    config.normEps = optional<float>(json, familyDefaults(config.family).epsKey, config.normEps);
    config.attentionBias = optional<bool>(json, "attention_bias", config.attentionBias);
    config.mlpBias = optional<bool>(json, "mlp_bias", config.mlpBias);
    config.tiedClassifier = optional<bool>(json, "tie_word_embeddings", config.tiedClassifier);
    config.ropeTheta = optional<float>(json, "rope_theta", config.ropeTheta);
    config.ropeLayout = parseRopeLayout(optional<std::string>(json, "rope_layout", ropeLayoutName(config.ropeLayout)),
                                        source);
    config.eosToken = optional<std::string>(json, "eos_token", "[EOS]");
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
