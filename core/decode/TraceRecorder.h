#pragma once

#include "core/model/ForwardObserver.h"

#include <utility>
#include <vector>

namespace kv {

// Collects the head records of one forward pass and, when asked to, on
// rotary models each layer's q and k as projected, before RoPE turned them.
class TraceRecorder : public ForwardObserver {
public:
    explicit TraceRecorder(bool keepRopeInputs = false)
        : m_keepRopeInputs(keepRopeInputs)
    {
    }

    void onHead(HeadRecord&& record) override { m_heads.push_back(std::move(record)); }
    void onStage(int layer, ForwardStage stage, const Eigen::Ref<const Matrix>& value) override
    {
        (void)layer; // stages arrive layer by layer, in order
        if (!m_keepRopeInputs)
            return;
        if (stage == ForwardStage::QBeforeRope)
            m_queriesBeforeRope.emplace_back(value);
        else if (stage == ForwardStage::KBeforeRope)
            m_keysBeforeRope.emplace_back(value);
    }
    std::vector<HeadRecord> take() { return std::exchange(m_heads, {}); }
    // Per layer, (new rows, q_dim) and (new rows, kv_dim); empty for learned positions.
    std::vector<Matrix> takeQueriesBeforeRope() { return std::exchange(m_queriesBeforeRope, {}); }
    std::vector<Matrix> takeKeysBeforeRope() { return std::exchange(m_keysBeforeRope, {}); }

private:
    bool m_keepRopeInputs;
    std::vector<HeadRecord> m_heads;
    std::vector<Matrix> m_queriesBeforeRope;
    std::vector<Matrix> m_keysBeforeRope;
};

} // namespace kv
