#pragma once

#include "core/tensor/RopeLayout.h"

#include <string>

namespace kv {

// Which block recipe the model uses. The family only chooses the defaults of
// the block choices below (see FamilyDefaults); the forward pass reads the
// choices, never the family.
enum class ModelFamily { Gpt2, Llama };          // config.json "family": "gpt2" | "llama"
enum class NormKind { LayerNorm, RmsNorm };      // LayerNorm: gain and bias; RMSNorm: gain only
enum class PositionKind { Learned, Rotary };     // a learned row added to the embedding, or RoPE on q and k
enum class MlpKind { GeluTanh, SwiGlu };         // fc -> GELU -> proj, or down(silu(gate) * up)
// RopeLayout (core/tensor/RopeLayout.h): pairs (2i,2i+1) as Meta/llama2.c; (i, i+hd/2) as HF rotate_half

// The shape of a model and its block choices, as read from config.json. Plain
// data; validate() checks the relations between the fields.
struct ModelConfig {
    ModelFamily family = ModelFamily::Gpt2;
    std::string name;
    int nLayer = 2;
    int nEmbd = 32;
    int nHead = 4;
    int nKvHead = 4;     // divides nHead: == nHead is MHA, 1 is MQA, between is GQA
    int nPositions = 16; // context length: learned positions and cache capacity
    int vocabSize = 0;
    int headDimOverride = 0;  // 0: nEmbd / nHead (Qwen2-style configs may give head_dim)
    int intermediateSize = 0; // MLP hidden width; 0: 4 * nEmbd (GPT-2)
    NormKind norm = NormKind::LayerNorm;
    PositionKind position = PositionKind::Learned;
    MlpKind mlp = MlpKind::GeluTanh;
    bool attentionBias = true; // q/k/v (and for GPT-2 the output projection) have biases
    bool mlpBias = true;
    bool tiedClassifier = true; // the LM head is the token embedding
    float normEps = 1e-5f;      // layer_norm_epsilon or rms_norm_eps
    float ropeTheta = 10000.0f;
    RopeLayout ropeLayout = RopeLayout::Interleaved;
    std::string eosToken = "[EOS]";

    int headDim() const { return headDimOverride > 0 ? headDimOverride : nEmbd / nHead; }
    int qDim() const { return nHead * headDim(); }
    int kvDim() const { return nKvHead * headDim(); }
    int queriesPerKvHead() const { return nHead / nKvHead; }
    int qkvWidth() const { return qDim() + 2 * kvDim(); }
    int mlpWidth() const { return intermediateSize > 0 ? intermediateSize : 4 * nEmbd; }

    // Sets the block choices to the family's defaults (FamilyDefaults).
    void applyFamilyDefaults(ModelFamily newFamily);

    // Throws LoadError naming `source` and the offending field.
    void validate(const std::string& source) const;

    // A validated GPT-2 shape; `source` names it in errors.
    static ModelConfig gpt2(const std::string& name, int layers, int embd, int heads, int kvHeads, int context,
                            int vocab);
    // A validated Llama shape: RMSNorm eps 1e-5, rotary theta 10000 interleaved,
    // SwiGLU, no biases, tied classifier.
    static ModelConfig llama(const std::string& name, int layers, int embd, int heads, int kvHeads, int context,
                             int vocab, int intermediate);

    static ModelConfig fromJsonFile(const std::string& path);
    static ModelConfig fromJsonText(const std::string& text, const std::string& source);
};

std::string familyName(ModelFamily family);
std::string ropeLayoutName(RopeLayout layout); // "interleaved" | "half", as in config.json

} // namespace kv
