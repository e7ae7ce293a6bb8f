#pragma once

#include "Tensor.h"

namespace kv {

// y = (x - mean) / sqrt(var + eps) * gain + bias, per row, biased variance.
Matrix layerNorm(const Eigen::Ref<const Matrix>& x, const RowVector& gain, const RowVector& bias, float eps);

// GPT-2's tanh approximation of GELU, elementwise.
Matrix geluTanh(const Eigen::Ref<const Matrix>& x);

// Softmax of each row; -infinity entries get weight 0.
Matrix softmaxRows(const Eigen::Ref<const Matrix>& scores);

RowVector softmax(const RowVector& logits);

} // namespace kv
