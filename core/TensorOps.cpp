#include "TensorOps.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace kv {

Matrix matmul(const Eigen::Ref<const Matrix>& a, const Eigen::Ref<const Matrix>& b)
{
    if (a.rows() != 1 || b.size() > kExactRowProductLimit)
        return a * b;
    Matrix padded = Matrix::Zero(2, a.cols());
    padded.row(0) = a.row(0);
    Matrix result = padded * b;
    return result.topRows(1);
}

Matrix layerNorm(const Eigen::Ref<const Matrix>& x, const RowVector& gain, const RowVector& bias, float eps)
{
    Matrix y(x.rows(), x.cols());
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const float mean = x.row(r).mean();
        const float variance = (x.row(r).array() - mean).square().mean();
        const float invStd = 1.0f / std::sqrt(variance + eps);
        y.row(r) = ((x.row(r).array() - mean) * invStd * gain.array() + bias.array()).matrix();
    }
    return y;
}

Matrix geluTanh(const Eigen::Ref<const Matrix>& x)
{
    // Whole-array expressions, so Eigen vectorises tanh (a per-element
    // std::tanh took ~7% of a long uncached pass).
    const float sqrtTwoOverPi = std::sqrt(2.0f / 3.14159265358979f);
    const auto v = x.array();
    return (0.5f * v * (1.0f + (sqrtTwoOverPi * (v + 0.044715f * v.cube())).tanh())).matrix();
}

Matrix softmaxRows(const Eigen::Ref<const Matrix>& scores)
{
    Matrix weights(scores.rows(), scores.cols());
    for (Eigen::Index r = 0; r < scores.rows(); ++r) {
        const float maximum = scores.row(r).maxCoeff();
        weights.row(r) = (scores.row(r).array() - maximum).exp().matrix();
        weights.row(r) /= weights.row(r).sum();
        // Eigen's vectorised exp turns a -inf mask into a subnormal, not 0.
        // Subnormals would make the next product ~60x slower on x86 (and a
        // masked weight must be exactly 0), so anything below the smallest
        // normal float becomes 0.
        weights.row(r) = (weights.row(r).array() < std::numeric_limits<float>::min())
                             .select(0.0f, weights.row(r).array())
                             .matrix();
    }
    return weights;
}

RowVector softmax(const RowVector& logits)
{
    return softmaxRows(logits);
}

std::vector<int> topTokens(const RowVector& probabilities, std::size_t count)
{
    std::vector<int> order(static_cast<std::size_t>(probabilities.size()));
    std::iota(order.begin(), order.end(), 0);
    count = std::min(count, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                      [&](int a, int b) { return probabilities(a) > probabilities(b); });
    order.resize(count);
    return order;
}

} // namespace kv
