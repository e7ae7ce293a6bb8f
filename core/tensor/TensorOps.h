#pragma once

#include "core/tensor/Tensor.h"

#include <vector>

namespace kv {

// Which kernel multiplies. Both paths of one model use the same family, so a
// row of a product is computed the same way alone (cached decode) or with
// the rows before it (uncached):
//  - Exact: plain loops in a fixed order. Each row is bit-for-bit the same
//    whatever the row count, so the tiny teaching models' two paths agree
//    exactly. Slow; for models whose weight matrices are small.
//  - Blas: for several rows OpenBLAS's sgemm (runtime CPU dispatch,
//    computeThreads() threads). One row is a matrix-vector product here that
//    streams the stored weights once, as they lie (no repacking), each
//    thread its own contiguous share. The two sum in different orders, so
//    the paths agree to rounding (~1e-6).
enum class ProductKernel { Exact, Blas };

// The kernel family for a model whose largest weight matrix has `weightElements`
// elements: Exact up to kExactRowProductLimit, Blas above.
ProductKernel kernelFor(Eigen::Index weightElements);
constexpr Eigen::Index kExactRowProductLimit = 1 << 16;

// out = a . b. `out` must already be (a.rows() x b.cols()); nothing allocates.
void multiply(const Eigen::Ref<const Matrix>& a, const Eigen::Ref<const Matrix>& b, Eigen::Ref<Matrix> out,
              ProductKernel kernel);
// out = a . bᵀ, b given as stored (one row per output column), never transposed in memory.
void multiplyTransposed(const Eigen::Ref<const Matrix>& a, const Eigen::Ref<const Matrix>& b,
                        Eigen::Ref<Matrix> out, ProductKernel kernel);

// Threads the matrix products (OpenBLAS) and the row-parallel kernels here
// (OpenMP) use. Clamped to [1, availableCores()]; defaults to all cores.
void setComputeThreads(int threads);
int computeThreads();
int availableCores();

// y = (x - mean) / sqrt(var + eps) * gain + bias, per row, biased variance.
void layerNorm(const Eigen::Ref<const Matrix>& x, const RowVector& gain, const RowVector& bias, float eps,
               Eigen::Ref<Matrix> y);

// y = x / sqrt(mean(x^2) + eps) * gain, per row (RMSNorm: no mean, no bias).
void rmsNorm(const Eigen::Ref<const Matrix>& x, const RowVector& gain, float eps, Eigen::Ref<Matrix> y);

// SwiGLU's gating, elementwise, in place: gate = silu(gate) * up, silu(g) = g / (1 + e^-g).
void siluMultiplyInPlace(Eigen::Ref<Matrix> gate, const Eigen::Ref<const Matrix>& up);

// GPT-2's tanh approximation of GELU, elementwise, in place.
void geluTanhInPlace(Eigen::Ref<Matrix> x);

// Softmax of each row; -infinity entries get weight 0.
void softmaxRows(const Eigen::Ref<const Matrix>& scores, Eigen::Ref<Matrix> weights);
Matrix softmaxRows(const Eigen::Ref<const Matrix>& scores);

RowVector softmax(const RowVector& logits);

// The ids of the `count` largest entries, largest first.
std::vector<int> topTokens(const RowVector& probabilities, std::size_t count);

} // namespace kv
