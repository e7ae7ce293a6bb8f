#pragma once

#include "core/tensor/RopeLayout.h"
#include "core/tensor/Tensor.h"

#include <span>

namespace kv {

// Rotary position embeddings (RoPE): the cosines and sines of every position's
// angles, computed once, and the rotation they drive. Pair i of a head turns
// by position * theta^(-2i/head_dim); the angles are computed in double and
// rounded once, as the torch reference does.
class RotaryTable {
public:
    RotaryTable() = default;
    RotaryTable(int positions, int headDim, float theta, RopeLayout layout);

    int positions() const { return static_cast<int>(m_cos.rows()); }
    int headDim() const { return m_headDim; }
    RopeLayout layout() const { return m_layout; }
    int pairs() const { return m_headDim / 2; }
    // Pair i's angular frequency theta^(-2i/head_dim), and the angle it turns
    // by at `position` (position * frequency), in radians: the numbers the
    // cosines and sines were computed from.
    double frequency(int pair) const;
    double angle(int position, int pair) const { return position * frequency(pair); }
    // The two dimensions of a head that pair i rotates: (2i, 2i+1) or (i, i + head_dim/2).
    int pairFirst(int pair) const { return m_layout == RopeLayout::Interleaved ? 2 * pair : pair; }
    int pairSecond(int pair) const { return m_layout == RopeLayout::Interleaved ? 2 * pair + 1 : pair + pairs(); }

    // Rotates every head of every row of x in place: x is (rows, heads*head_dim),
    // row r at position positions[r], head h at columns h*head_dim.
    void rotate(Eigen::Ref<Matrix> x, std::span<const int> positions) const;

private:
    int m_headDim = 0;
    double m_theta = 10000.0;
    RopeLayout m_layout = RopeLayout::Interleaved;
    Matrix m_cos; // (positions, head_dim/2)
    Matrix m_sin; // (positions, head_dim/2)
};

} // namespace kv
