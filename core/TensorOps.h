#pragma once

#include "Tensor.h"

#include <vector>

namespace kv {

// a · b. For a small b, a single row goes through the same matrix-matrix
// kernel as many rows, so each row of the result is bit-for-bit the same
// whether it was computed alone (cached decode) or with the rows before it
// (uncached): Eigen's matrix-vector path sums in another order, which alone
// moves the tiny models' logits by ~1e-5. For a large b that kernel would
// repack the whole weight matrix at every decode step (GPT-2 small's decode
// ran 2.9x slower than its memory roofline), so one row takes the
// matrix-vector path there and the two paths agree to rounding instead.
Matrix matmul(const Eigen::Ref<const Matrix>& a, const Eigen::Ref<const Matrix>& b);

// Above this many elements in b, a one-row product uses the matrix-vector path.
constexpr Eigen::Index kExactRowProductLimit = 1 << 16;

// y = (x - mean) / sqrt(var + eps) * gain + bias, per row, biased variance.
Matrix layerNorm(const Eigen::Ref<const Matrix>& x, const RowVector& gain, const RowVector& bias, float eps);

// GPT-2's tanh approximation of GELU, elementwise.
Matrix geluTanh(const Eigen::Ref<const Matrix>& x);

// Softmax of each row; -infinity entries get weight 0.
Matrix softmaxRows(const Eigen::Ref<const Matrix>& scores);

RowVector softmax(const RowVector& logits);

// The ids of the `count` largest entries, largest first.
std::vector<int> topTokens(const RowVector& probabilities, std::size_t count);

} // namespace kv
