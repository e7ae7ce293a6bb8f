#pragma once

#include "Tokenizer.h"
#include "WalkThrough.h"

#include <QString>

#include <memory>

namespace kvlab {

// One walk-through ready to show: both traces, the vocabulary to label them,
// and what it demonstrates. Immutable once built; frames share it.
struct Lesson {
    enum class Kind { Normal, StaleCache, FrozenPosition };

    kv::WalkThrough run;
    std::shared_ptr<const kv::Tokenizer> tokenizer;
    QString modelName;
    Kind kind = Kind::Normal;
    QString banner; // what a demonstration shows, empty for a normal run

    const kv::ModelConfig& config() const { return run.cached.config; }
    int stepCount() const { return static_cast<int>(std::min(run.cached.steps.size(), run.uncached.steps.size())); }
    QString token(int id) const { return QString::fromStdString(tokenizer->token(id)); }
};

} // namespace kvlab
