#include "views/playback/Frame.h"

namespace kvlab {

const kv::StepRecord& Frame::record(kv::DecodeMode mode) const
{
    return lesson->record(mode, step);
}

const kv::PassHeads& Frame::passHeads(kv::DecodeMode mode) const
{
    HeldPass& held = m_held[mode == kv::DecodeMode::Cached ? 1 : 0];
    if (held.walk != lesson->walk || held.step != step)
        held = {lesson->walk, step, lesson->walk->heads(mode, step)};
    return *held.heads;
}

const kv::HeadRecord& Frame::headRecord(kv::DecodeMode mode, int queryHead) const
{
    return passHeads(mode).head(layer, queryHead, lesson->config().nHead);
}

double Frame::progressOf(Phase when) const
{
    if (phaseOrder(phase) > phaseOrder(when))
        return 1.0;
    if (phase == when)
        return progress;
    return 0.0;
}

} // namespace kvlab
