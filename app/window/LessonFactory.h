#pragma once

#include "core/decode/GenerationSettings.h"
#include "views/playback/Lesson.h"
#include "core/io/ModelBundle.h"

#include <QCoreApplication>
#include <QString>

#include <memory>

namespace kvlab {

class Generation;

// Runs the core for the window: loads a model folder and turns a prompt into
// a Lesson (both traces), normal or one of the two demonstrated bugs.
// Every failure is a kv::KvError whose message names the culprit.
class LessonFactory {
    Q_DECLARE_TR_FUNCTIONS(LessonFactory)

public:
    // Keeps the old model on failure. `tokenizerPath`: a llama2.c tokenizer.bin for a .bin model.
    // On the calling thread: the window loads a large model on a thread of its own (ModelLoad) and hands it to setModel.
    void loadModel(const QString& directory, const QString& tokenizerPath = {});
    void setModel(kv::ModelBundle bundle);
    bool hasModel() const { return m_bundle.model != nullptr; }
    const kv::ModelBundle& bundle() const { return m_bundle; }
    QString modelName() const { return QString::fromStdString(m_bundle.config().name); }

    // Above this many multiply-adds, the cached path of a walk-through is
    // generated on a thread while the window shows the steps so far: a few
    // milliseconds of work or more (the tiny models need a few hundred
    // thousand for their whole context and open at once; a GPT-2-small-sized
    // model needs over a hundred million per token).
    static constexpr std::int64_t kBackgroundMultiplyAdds = 30'000'000;

    std::shared_ptr<const Lesson> normal(const QString& prompt, const kv::GenerationSettings& settings) const;
    // Whether normal()'s walk-through of `prompt` costs the cached path more
    // than kBackgroundMultiplyAdds. Throws as normal() does for a prompt it refuses.
    bool generatesInBackground(const QString& prompt, const kv::GenerationSettings& settings) const;
    // normal()'s walk-through, generated on a thread of its own, started at once.
    // Throws as normal() does for a prompt it refuses, before it starts.
    Generation* generate(const QString& prompt, const kv::GenerationSettings& settings, QObject* parent) const;
    // The cache is not reset after `first` has generated; then `second` runs on it.
    std::shared_ptr<const Lesson> staleCache(const QString& first, const QString& second,
                                             const kv::GenerationSettings& settings) const;
    // The position counter never advances.
    std::shared_ptr<const Lesson> frozenPosition(const QString& prompt, const kv::GenerationSettings& settings) const;

private:
    std::shared_ptr<Lesson> wrap(kv::WalkThrough run, Lesson::Kind kind, const kv::SamplingSettings& sampling) const;
    std::vector<int> encode(const QString& prompt) const;
    // The number of steps normal() generates at most, the prompt checked against the context.
    int plannedSteps(const std::vector<int>& tokens, const kv::GenerationSettings& settings) const;

    kv::ModelBundle m_bundle;
};

} // namespace kvlab
