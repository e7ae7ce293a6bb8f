#pragma once

#include "core/tensor/Tensor.h"
#include "core/tensor/WeightMatrix.h"

namespace kv {

// One transformer block, in the layout the forward pass reads whatever the
// checkpoint held (WeightTable.h converts): every projection is (in, out),
// y = x W + b. A tensor the family does not have is empty (0 x 0): the
// LayerNorm biases under RMSNorm, the gate under a GELU MLP, absent biases.
// A matrix stored as the forward pass reads it (GPT-2's Conv1D (in, out) in
// F32) is a view of the mapped checkpoint (WeightMatrix), the others a copy.
struct LayerWeights {
    RowVector attnNormGain;   // (d): ln_1 / input_layernorm
    RowVector attnNormBias;   // (d): LayerNorm only
    WeightMatrix qkvWeight;   // (d, q_dim + 2*kv_dim): columns q | k | v, head h at h*head_dim
    RowVector qkvBias;        // (q_dim + 2*kv_dim)
    WeightMatrix outWeight;   // (q_dim, d): the attention output projection
    RowVector outBias;        // (d)
    RowVector mlpNormGain;    // (d): ln_2 / post_attention_layernorm
    RowVector mlpNormBias;    // (d): LayerNorm only
    WeightMatrix upWeight;    // (d, hidden): c_fc / up_proj
    RowVector upBias;         // (hidden)
    WeightMatrix gateWeight;  // (d, hidden): SwiGLU's gate_proj
    RowVector gateBias;       // (hidden)
    WeightMatrix downWeight;  // (hidden, d): mlp.c_proj / down_proj
    RowVector downBias;       // (d)
};

} // namespace kv
