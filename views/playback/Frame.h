#pragma once

#include "views/playback/Lesson.h"
#include "views/playback/Phase.h"
#include "views/style/Theme.h"

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
    // Every head of this step's pass in `mode`, recomputed on demand; held by
    // the frame so references from headRecord() stay valid while it lives.
    const kv::PassHeads& passHeads(kv::DecodeMode mode) const;
    // Has the walk-through reached `phase` of this step yet?
    bool reached(Phase when) const { return phaseOrder(phase) >= phaseOrder(when); }
    // The phases of this lesson's steps, and the current one's number among them.
    const PhaseList& phases() const { return lesson->phases; }
    int phaseNumber() const { return phases().indexOf(phase); }
    // 0..1: how far `when`'s animation has run (1 once past it).
    double progressOf(Phase when) const;

private:
    struct HeldPass {
        std::shared_ptr<kv::LazyWalkThrough> walk; // held, so its address is not reused
        int step = -1;
        std::shared_ptr<const kv::PassHeads> heads;
    };
    mutable HeldPass m_held[2]; // by mode: the pass last asked for
};

} // namespace kvlab
