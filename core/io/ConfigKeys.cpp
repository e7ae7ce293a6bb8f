#include "core/io/ConfigKeys.h"

namespace kv {

const std::map<std::string, JsonKind>& configKeyKinds()
{
    static const std::map<std::string, JsonKind> kinds = {
        // every family
        {"family", JsonKind::String},
        {"name", JsonKind::String},
        {"description", JsonKind::String},
        {"n_layer", JsonKind::Integer},
        {"n_embd", JsonKind::Integer},
        {"n_head", JsonKind::Integer},
        {"n_kv_head", JsonKind::Integer},
        {"n_positions", JsonKind::Integer},
        {"vocab_size", JsonKind::Integer},
        {"head_dim", JsonKind::Integer},
        {"eos_token", JsonKind::String},
        // GPT-2
        {"layer_norm_epsilon", JsonKind::Number},
        {"activation", JsonKind::String},
        // Llama
        {"intermediate_size", JsonKind::Integer},
        {"rms_norm_eps", JsonKind::Number},
        {"rope_theta", JsonKind::Number},
        {"rope_layout", JsonKind::String},
        {"tie_word_embeddings", JsonKind::Boolean},
        {"attention_bias", JsonKind::Boolean},
        {"mlp_bias", JsonKind::Boolean},
    };
    return kinds;
}

} // namespace kv
