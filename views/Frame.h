#pragma once

#include "Lesson.h"
#include "Phase.h"
#include "Theme.h"

#include <memory>

namespace kvlab {

// One moment of a walk-through, everything a diagram needs to paint it:
// trace + step + phase + animation progress + selection + theme.
struct Frame {
    std::shared_ptr<const Lesson> lesson;
    int step = 0;
    Phase phase = Phase::TokenIn;
    double progress = 1.0; // 0..1 through the current phase's animation
    int layer = 0;
    int head = 0;
    int selectedToken = -1; // index in the sequence, highlighted in every matrix
    Theme theme = Theme::light();

    bool valid() const { return lesson && step >= 0 && step < lesson->stepCount(); }
    const kv::StepRecord& record(kv::DecodeMode mode) const;
    const kv::HeadRecord& headRecord(kv::DecodeMode mode) const { return headRecord(mode, head); }
    const kv::HeadRecord& headRecord(kv::DecodeMode mode, int queryHead) const;
    // Has the walk-through reached `phase` of this step yet?
    bool reached(Phase when) const { return phaseIndex(phase) >= phaseIndex(when); }
    // 0..1: how far `when`'s animation has run (1 once past it).
    double progressOf(Phase when) const;
};

} // namespace kvlab
