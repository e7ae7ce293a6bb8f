#pragma once

#include "core/lab/LazyWalkThrough.h"
#include "core/tokenizer/Tokenizer.h"
#include "views/playback/PhaseList.h"

#include <QString>

#include <memory>

namespace kvlab {

// One walk-through ready to show: both traces, the vocabulary to label them,
// and what it demonstrates. Frames share it. Its summaries never change but
// for pending uncached passes, which `walk` runs the first time a step is
// asked for; per-head records come from `walk` on demand.
struct Lesson {
    enum class Kind { Normal, StaleCache, FrozenPosition };

    explicit Lesson(std::shared_ptr<kv::LazyWalkThrough> walkThrough)
        : walk(std::move(walkThrough))
        , run(walk->run())
        , phases(walk->config())
    {
    }

    std::shared_ptr<kv::LazyWalkThrough> walk;
    const kv::WalkThrough& run; // walk's summaries; read a step's logits through record()
    PhaseList phases;           // what one step is told in: Rotate too when positions are rotary
    std::shared_ptr<const kv::Tokenizer> tokenizer;
    QString modelName;
    Kind kind = Kind::Normal;
    QString banner; // what a demonstration shows, empty for a normal run

    const kv::ModelConfig& config() const { return run.cached.config; }
    int stepCount() const { return walk->stepCount(); }
    // A step's summary, its uncached pass run first if it was deferred.
    const kv::StepRecord& record(kv::DecodeMode mode, int step) const { return walk->step(mode, step); }
    QString token(int id) const { return QString::fromStdString(tokenizer->token(id)); }
};

} // namespace kvlab
