#include "tests/support/StageRecorder.h"

#include "core/model/HeadRecord.h"

#include <nlohmann/json.hpp>

namespace kvtest {

void StageRecorder::onHead(kv::HeadRecord&& record)
{
    m_weights[{record.layer, record.head}] = record.weights;
}

void StageRecorder::onStage(int layer, kv::ForwardStage stage, const Eigen::Ref<const kv::Matrix>& value)
{
    m_stages[{layer, kv::stageName(stage)}] = value;
}

kv::Matrix matrixFromJson(const nlohmann::json& rows)
{
    kv::Matrix matrix(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.at(0).size()));
    for (Eigen::Index r = 0; r < matrix.rows(); ++r)
        for (Eigen::Index c = 0; c < matrix.cols(); ++c)
            matrix(r, c) = rows.at(static_cast<std::size_t>(r)).at(static_cast<std::size_t>(c)).get<float>();
    return matrix;
}

} // namespace kvtest
