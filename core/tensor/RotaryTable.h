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

    // Rotates every head of every row of x in place: x is (rows, heads*head_dim),
    // row r at position positions[r], head h at columns h*head_dim.
    void rotate(Eigen::Ref<Matrix> x, std::span<const int> positions) const;

private:
    int m_headDim = 0;
    RopeLayout m_layout = RopeLayout::Interleaved;
    Matrix m_cos; // (positions, head_dim/2)
    Matrix m_sin; // (positions, head_dim/2)
};

} // namespace kv
