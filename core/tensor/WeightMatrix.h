#pragma once

#include "core/tensor/Tensor.h"

#include <memory>

namespace kv {

// A weight matrix (rows x cols, row-major) that either owns its values or is
// a view of values lying elsewhere: a tensor of a memory-mapped checkpoint,
// read where it lies without a copy. A view keeps that memory alive through
// `owner` (the MappedFile) as long as it, or a copy of it, lives; copying a
// view copies no values.
class WeightMatrix {
public:
    using ConstMap = Eigen::Map<const Matrix>;

    WeightMatrix() = default;
    // Owns `values` (implicit: a Matrix is a weight in its own right).
    WeightMatrix(Matrix values) : m_owned(std::move(values)) {}
    static WeightMatrix view(const float* data, Eigen::Index rows, Eigen::Index cols, std::shared_ptr<const void> owner);

    bool isView() const { return m_view != nullptr; }
    // What keeps a view's values alive (null for owned values).
    const std::shared_ptr<const void>& owner() const { return m_owner; }

    Eigen::Index rows() const { return isView() ? m_rows : m_owned.rows(); }
    Eigen::Index cols() const { return isView() ? m_cols : m_owned.cols(); }
    Eigen::Index size() const { return rows() * cols(); }
    const float* data() const { return isView() ? m_view : m_owned.data(); }

    // The values, read in place either way.
    ConstMap map() const { return ConstMap(data(), rows(), cols()); }
    auto row(Eigen::Index index) const { return map().row(index); }
    float operator()(Eigen::Index row, Eigen::Index col) const { return data()[row * cols() + col]; }

    // The owned values, to fill in (a loader's copy); not for a view.
    Matrix& owned();

private:
    Matrix m_owned;
    const float* m_view = nullptr;
    Eigen::Index m_rows = 0;
    Eigen::Index m_cols = 0;
    std::shared_ptr<const void> m_owner;
};

} // namespace kv
