#pragma once

#include "core/tensor/Tensor.h"

#include <vector>

namespace kv {

// A weight matrix W (k x m), stored once at load in the layout a register-
// blocked matrix-multiply kernel reads: panels of kPanelWidth columns, each
// panel its k rows one after the other (the last panel padded with zeros).
// OpenBLAS's sgemm copies W into such a layout at every call (about a fifth
// of an uncached pass); packed once, a product streams it as it lies.
//
// Every output element is one chain of fused multiply-adds over k in order,
// whatever the row count, so a row computed alone (cached decode) equals the
// same row computed with others (uncached), bit for bit.
class PackedMatrix {
public:
    static constexpr int kPanelWidth = 32;

    PackedMatrix() = default;
    explicit PackedMatrix(const Eigen::Ref<const Matrix>& weights);

    // True when this build has the vector units the kernel is written for
    // (AVX2 and FMA, or AVX-512): a portable build multiplies with OpenBLAS,
    // which picks its kernels at run time.
    static bool available();

    Eigen::Index rows() const { return m_rows; }
    Eigen::Index cols() const { return m_cols; }
    bool empty() const { return m_data.empty(); }

    // out = x . W; `out` must already be (x.rows() x cols()); nothing
    // allocates. The panels are split between computeThreads() threads.
    void multiply(const Eigen::Ref<const Matrix>& x, Eigen::Ref<Matrix> out) const;

    // W back in its stored layout (for tests).
    Matrix unpacked() const;

private:
    const float* panel(Eigen::Index index) const { return m_data.data() + index * m_rows * kPanelWidth; }
    Eigen::Index panelCount() const { return (m_cols + kPanelWidth - 1) / kPanelWidth; }
    void multiplyRow(const float* x, float* out) const;
    void multiplyRows(const Eigen::Ref<const Matrix>& x, Eigen::Ref<Matrix> out) const;

    Eigen::Index m_rows = 0;
    Eigen::Index m_cols = 0;
    std::vector<float, Eigen::aligned_allocator<float>> m_data;
};

} // namespace kv
