#pragma once

#include "core/tensor/Tensor.h"

#include <memory>
#include <vector>

namespace kv {

// A weight matrix W (k x m) in the layout a register-blocked matrix-multiply
// kernel reads: panels of kPanelWidth columns, each panel its k rows one after
// the other. Either
//  - packed: a copy made once at load, each panel contiguous (the last one
//    padded with zeros). OpenBLAS's sgemm copies W into such a layout at every
//    call (about a fifth of an uncached pass); packed once, a product streams
//    it as it lies; or
//  - in place: W read where it lies, row-major with its rows m floats apart
//    (an F32 GPT-2 Conv1D weight in a memory-mapped safetensors file, which is
//    stored exactly so): a panel is a column strip, nothing is copied, and the
//    matrix keeps the memory it reads alive. Only when m is a multiple of
//    kPanelWidth (fitsInPlace), so that every panel is whole. One row reads
//    W row after row as fast as the packed copy; several rows gather each
//    panel into a small per-thread buffer as they go, which costs (about
//    +13% at 100 rows, twice the time at 13: PackedMatrix.cpp).
//
// Every output element is one chain of fused multiply-adds over k in order,
// starting from zero, whatever the row count and the layout, so a row computed
// alone (cached decode) equals the same row computed with others (uncached),
// and an in-place matrix's product equals the packed copy's, bit for bit.
class PackedMatrix {
public:
    static constexpr int kPanelWidth = 32;

    PackedMatrix() = default;
    // Packs a copy of `weights`.
    explicit PackedMatrix(const Eigen::Ref<const Matrix>& weights);
    // W (rows x cols, row-major from `data`) read in place; `owner` keeps
    // `data` valid as long as this matrix (or a copy of it) lives.
    static PackedMatrix inPlace(const float* data, Eigen::Index rows, Eigen::Index cols,
                                std::shared_ptr<const void> owner);
    static bool fitsInPlace(Eigen::Index cols) { return cols > 0 && cols % kPanelWidth == 0; }

    // True when this build has the vector units the kernel is written for
    // (AVX2 and FMA, or AVX-512): a portable build multiplies with OpenBLAS,
    // which picks its kernels at run time.
    static bool available();

    Eigen::Index rows() const { return m_rows; }
    Eigen::Index cols() const { return m_cols; }
    bool empty() const { return m_rows == 0 || m_cols == 0; }
    bool isInPlace() const { return m_inPlace != nullptr; }
    // The first weight the products read (the panels, or W where it lies).
    const float* data() const { return isInPlace() ? m_inPlace : m_data.data(); }
    // Bytes of the packed copy (padding included); 0 in place.
    std::int64_t copiedBytes() const { return std::int64_t(m_data.size() * sizeof(float)); }

    // out = x . W; `out` must already be (x.rows() x cols()); nothing
    // allocates (but an in-place matrix's first product with several rows on
    // a thread, which sizes that thread's panel buffer once). The panels are
    // split between computeThreads() threads.
    void multiply(const Eigen::Ref<const Matrix>& x, Eigen::Ref<Matrix> out) const;

    // W in its stored layout (a copy, for tests and writers).
    Matrix unpacked() const;

private:
    // Panel `index`'s first row, and the distance between its rows.
    const float* panel(Eigen::Index index) const;
    Eigen::Index panelStride() const { return isInPlace() ? m_cols : kPanelWidth; }
    Eigen::Index panelCount() const { return (m_cols + kPanelWidth - 1) / kPanelWidth; }
    void multiplyRow(const float* x, float* out) const;
    void multiplyRows(const Eigen::Ref<const Matrix>& x, Eigen::Ref<Matrix> out) const;

    Eigen::Index m_rows = 0;
    Eigen::Index m_cols = 0;
    std::vector<float, Eigen::aligned_allocator<float>> m_data; // packed panels
    const float* m_inPlace = nullptr;                           // or W where it lies,
    std::shared_ptr<const void> m_owner;                        // kept alive by this
};

} // namespace kv
