#include "core/tensor/RotaryTable.h"

#include <cassert>
#include <cmath>

namespace kv {

RotaryTable::RotaryTable(int positions, int headDim, float theta, RopeLayout layout)
    : m_headDim(headDim)
    , m_theta(theta)
    , m_layout(layout)
    , m_cos(positions, headDim / 2)
    , m_sin(positions, headDim / 2)
{
    for (int i = 0; i < headDim / 2; ++i) {
        for (int p = 0; p < positions; ++p) {
            const double turned = angle(p, i);
            m_cos(p, i) = static_cast<float>(std::cos(turned));
            m_sin(p, i) = static_cast<float>(std::sin(turned));
        }
    }
}

double RotaryTable::frequency(int pair) const
{
    return std::pow(m_theta, -2.0 * pair / m_headDim);
}

void RotaryTable::rotate(Eigen::Ref<Matrix> x, std::span<const int> positions) const
{
    assert(x.rows() == static_cast<Eigen::Index>(positions.size()) && x.cols() % m_headDim == 0);
    const int half = m_headDim / 2;
    // Pair i of a head: dimensions (2i, 2i+1) interleaved, (i, i + half) split.
    const int stride = m_layout == RopeLayout::Interleaved ? 2 : 1;
    const int partner = m_layout == RopeLayout::Interleaved ? 1 : half;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const int position = positions[static_cast<std::size_t>(r)];
        float* row = x.row(r).data();
        for (Eigen::Index head = 0; head < x.cols(); head += m_headDim)
            for (int i = 0; i < half; ++i) {
                float& a = row[head + stride * i];
                float& b = row[head + stride * i + partner];
                const float c = m_cos(position, i), s = m_sin(position, i);
                const float first = a * c - b * s;
                b = a * s + b * c;
                a = first;
            }
    }
}

} // namespace kv
