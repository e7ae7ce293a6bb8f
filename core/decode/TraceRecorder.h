#pragma once

#include "core/model/ForwardObserver.h"

#include <utility>
#include <vector>

namespace kv {

// Collects the head records of one forward pass.
class TraceRecorder : public ForwardObserver {
public:
    void onHead(HeadRecord&& record) override { m_heads.push_back(std::move(record)); }
    std::vector<HeadRecord> take() { return std::exchange(m_heads, {}); }

private:
    std::vector<HeadRecord> m_heads;
};

} // namespace kv
