#pragma once

#include "core/model/ModelConfig.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kv {

// What a tensor is for in the forward pass, whatever the family calls it.
// Each role is one tensor of ModelWeights.
enum class WeightRole {
    TokenEmbedding,    // (vocab, d)
    PositionEmbedding, // (n_positions, d); learned positions only
    AttnNormGain,      // (d)
    AttnNormBias,      // (d); LayerNorm only
    Qkv,               // (d, q_dim + 2*kv_dim): columns q | k | v, head h at h*head_dim
    QkvBias,           // (q_dim + 2*kv_dim)
    AttnOut,           // (q_dim, d)
    AttnOutBias,       // (d)
    MlpNormGain,       // (d)
    MlpNormBias,       // (d); LayerNorm only
    Up,                // (d, hidden): GPT-2's c_fc, Llama's up_proj
    UpBias,            // (hidden)
    Gate,              // (d, hidden): SwiGLU only
    GateBias,          // (hidden)
    Down,              // (hidden, d): GPT-2's mlp.c_proj, Llama's down_proj
    DownBias,          // (d)
    FinalNormGain,     // (d)
    FinalNormBias,     // (d); LayerNorm only
    Classifier,        // (vocab, d); only when the classifier is not tied to the token embedding
};

// How a checkpoint stores a tensor. In memory every projection is (in, out),
// y = x W, so the forward pass reads one layout whatever the file held.
enum class WeightStorage {
    Vector, // (n)
    Table,  // (rows, d): one row per token or position, as in memory
    InOut,  // (in, out): GPT-2's Conv1D, as in memory
    OutIn,  // (out, in): torch's nn.Linear, transposed on load
};

// One tensor of a checkpoint: its name, its shape as stored, and where it
// goes in memory. Several entries may fill one in-memory tensor side by side
// (Llama's q_proj, k_proj and v_proj fill the columns of Qkv).
struct WeightEntry {
    std::string name;
    std::vector<std::int64_t> shape; // as stored in the file
    WeightStorage storage;
    WeightRole role;
    int layer = -1;                  // -1 for tensors outside the blocks
    int column = 0;                  // first in-memory column (or element) this entry fills

    std::int64_t elements() const;
    std::int64_t outputs() const;    // columns it fills in memory (a vector: elements)
};

// Every tensor a model of this config has, in checkpoint order: the family's
// table (GPT-2: wte, wpe, h.N.*, ln_f; Llama: Hugging Face's model.* names),
// shaped by the config. Biases and the classifier appear as the config says.
std::vector<WeightEntry> weightTable(const ModelConfig& config);

// Every parameter of the model: the sum over its weight table.
std::int64_t parameterCount(const ModelConfig& config);

// The in-memory (rows, cols) of a role's tensor (a vector is one row).
std::pair<std::int64_t, std::int64_t> memoryShape(WeightRole role, const ModelConfig& config);

// True for norm gains (initialised around 1, not 0).
bool isNormGain(WeightRole role);

} // namespace kv
