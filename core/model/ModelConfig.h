#pragma once

#include <string>

namespace kv {

// Which block recipe the model uses. Only GPT-2 is implemented; the Llama
// family (RMSNorm, RoPE, SwiGLU, no biases) is meant to slot in beside it.
enum class ModelFamily { Gpt2 };

// The shape of a model, as read from config.json. Plain data; validate()
// checks the relations between the fields.
struct ModelConfig {
    ModelFamily family = ModelFamily::Gpt2;
    std::string name;
    int nLayer = 2;
    int nEmbd = 32;
    int nHead = 4;
    int nKvHead = 4;     // divides nHead: == nHead is MHA, 1 is MQA, between is GQA
    int nPositions = 16; // context length: learned positions and cache capacity
    int vocabSize = 0;
    float layerNormEps = 1e-5f;
    std::string eosToken = "[EOS]";

    int headDim() const { return nEmbd / nHead; }
    int kvDim() const { return nKvHead * headDim(); }
    int queriesPerKvHead() const { return nHead / nKvHead; }
    int qkvWidth() const { return nEmbd + 2 * kvDim(); }
    int mlpWidth() const { return 4 * nEmbd; }

    // Throws ConfigError naming `source` and the offending field.
    void validate(const std::string& source) const;

    // A validated GPT-2 shape; `source` names it in errors.
    static ModelConfig gpt2(const std::string& name, int layers, int embd, int heads, int kvHeads, int context,
                            int vocab);

    static ModelConfig fromJsonFile(const std::string& path);
    static ModelConfig fromJsonText(const std::string& text, const std::string& source);
};

std::string familyName(ModelFamily family);

} // namespace kv
