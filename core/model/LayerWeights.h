#pragma once

#include "core/tensor/Tensor.h"

namespace kv {

// One GPT-2 block. Matrices follow GPT-2's Conv1D layout: (in, out), y = x W + b.
struct LayerWeights {
    RowVector ln1Gain;       // (d)
    RowVector ln1Bias;       // (d)
    Matrix attnWeight;       // (d, d + 2*kv_dim): columns q | k | v, head h at h*head_dim
    RowVector attnBias;      // (d + 2*kv_dim)
    Matrix attnProjWeight;   // (d, d)
    RowVector attnProjBias;  // (d)
    RowVector ln2Gain;       // (d)
    RowVector ln2Bias;       // (d)
    Matrix fcWeight;         // (d, 4d)
    RowVector fcBias;        // (4d)
    Matrix fcProjWeight;     // (4d, d)
    RowVector fcProjBias;    // (d)
};

} // namespace kv
