#include "core/tensor/WeightMatrix.h"

#include <cassert>

namespace kv {

WeightMatrix WeightMatrix::view(const float* data, Eigen::Index rows, Eigen::Index cols,
                                std::shared_ptr<const void> owner)
{
    assert(data && rows > 0 && cols > 0);
    WeightMatrix weights;
    weights.m_view = data;
    weights.m_rows = rows;
    weights.m_cols = cols;
    weights.m_owner = std::move(owner);
    return weights;
}

Matrix& WeightMatrix::owned()
{
    assert(!isView());
    return m_owned;
}

} // namespace kv
