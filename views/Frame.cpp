#include "Frame.h"

namespace kvlab {

const kv::StepRecord& Frame::record(kv::DecodeMode mode) const
{
    const kv::Trace& trace = mode == kv::DecodeMode::Cached ? lesson->run.cached : lesson->run.uncached;
    return trace.steps.at(static_cast<std::size_t>(step));
}

const kv::HeadRecord& Frame::headRecord(kv::DecodeMode mode, int queryHead) const
{
    return record(mode).head(layer, queryHead, lesson->config().nHead);
}

double Frame::progressOf(Phase when) const
{
    if (phaseIndex(phase) > phaseIndex(when))
        return 1.0;
    if (phase == when)
        return progress;
    return 0.0;
}

} // namespace kvlab
