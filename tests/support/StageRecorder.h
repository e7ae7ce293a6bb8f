#pragma once

#include "core/model/ForwardObserver.h"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>
#include <utility>

namespace kvtest {

// Keeps a copy of every stage and every head's attention weights of one
// forward pass, under the stage names the golden files use (stageName()).
class StageRecorder : public kv::ForwardObserver {
public:
    void onHead(kv::HeadRecord&& record) override;
    void onStage(int layer, kv::ForwardStage stage, const Eigen::Ref<const kv::Matrix>& value) override;

    bool has(int layer, const std::string& stage) const { return m_stages.count({layer, stage}) > 0; }
    const kv::Matrix& stage(int layer, const std::string& stage) const { return m_stages.at({layer, stage}); }
    bool hasWeights(int layer, int head) const { return m_weights.count({layer, head}) > 0; }
    const kv::Matrix& weights(int layer, int head) const { return m_weights.at({layer, head}); }

private:
    std::map<std::pair<int, std::string>, kv::Matrix> m_stages;
    std::map<std::pair<int, int>, kv::Matrix> m_weights;
};

// A matrix from a JSON array of rows of numbers (golden.json, reference.json).
kv::Matrix matrixFromJson(const nlohmann::json& rows);

} // namespace kvtest
