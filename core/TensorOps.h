#pragma once

#include "Tensor.h"

namespace kv {

// a · b with the same kernel whatever a's row count, so that each row of the
// result is bit-for-bit the same whether it was computed alone (cached decode)
// or with the rows before it (uncached). Eigen would take a matrix-vector path
// for one row, whose different summation order alone moves logits by ~1e-5.
Matrix matmul(const Eigen::Ref<const Matrix>& a, const Eigen::Ref<const Matrix>& b);

// y = (x - mean) / sqrt(var + eps) * gain + bias, per row, biased variance.
Matrix layerNorm(const Eigen::Ref<const Matrix>& x, const RowVector& gain, const RowVector& bias, float eps);

// GPT-2's tanh approximation of GELU, elementwise.
Matrix geluTanh(const Eigen::Ref<const Matrix>& x);

// Softmax of each row; -infinity entries get weight 0.
Matrix softmaxRows(const Eigen::Ref<const Matrix>& scores);

RowVector softmax(const RowVector& logits);

} // namespace kv
