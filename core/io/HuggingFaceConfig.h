#pragma once

#include "core/model/ModelConfig.h"

#include <string>
#include <vector>

namespace kv {

// A Hugging Face config.json translated into the project's ModelConfig:
// model_type gpt2 (n_embd, n_layer, n_head, n_positions or n_ctx, vocab_size,
// layer_norm_epsilon, activation_function gelu_new) or llama / qwen2
// (hidden_size, intermediate_size, num_hidden_layers, num_attention_heads,
// num_key_value_heads, max_position_embeddings, rms_norm_eps, rope_theta,
// tie_word_embeddings, head_dim; HF's half-split RoPE; Qwen2's q/k/v biases).
// Anything the app cannot reproduce (another model_type, an activation other
// than gelu_new, a rope_scaling) is a LoadError naming the file and the key.
class HuggingFaceConfig {
public:
    static ModelConfig fromJsonFile(const std::string& path);
    static ModelConfig fromJsonText(const std::string& text, const std::string& source);

    // The model_type values understood, in the order named in messages.
    static const std::vector<std::string>& supportedModelTypes();
    // config.json's model_type, or empty when the file has none (never throws).
    static std::string modelType(const std::string& path);
};

} // namespace kv
