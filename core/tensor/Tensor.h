#pragma once

#include <Eigen/Core>

namespace kv {

// Activations are (tokens x features), one token per row, row-major like the
// safetensors data, so a row is one token's vector.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;
// A read-only window on rows and columns of a Matrix (a head's columns of the
// KV cache, say): a view of the memory, never a copy.
using ConstMatrixView = Eigen::Map<const Matrix, Eigen::Unaligned, Eigen::OuterStride<>>;

} // namespace kv
