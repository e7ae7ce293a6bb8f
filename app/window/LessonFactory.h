#pragma once

#include "core/decode/GenerationSettings.h"
#include "views/playback/Lesson.h"
#include "core/io/ModelBundle.h"

#include <QCoreApplication>
#include <QString>

#include <memory>

namespace kvlab {

// Runs the core for the window: loads a model folder and turns a prompt into
// a Lesson (both traces), normal or one of the two demonstrated bugs.
// Every failure is a kv::KvError whose message names the culprit.
class LessonFactory {
    Q_DECLARE_TR_FUNCTIONS(LessonFactory)

public:
    void loadModel(const QString& directory); // keeps the old model on failure
    bool hasModel() const { return m_bundle.model != nullptr; }
    const kv::ModelBundle& bundle() const { return m_bundle; }
    QString modelName() const { return QString::fromStdString(m_bundle.config().name); }

    std::shared_ptr<const Lesson> normal(const QString& prompt, const kv::GenerationSettings& settings) const;
    // The cache is not reset after `first` has generated; then `second` runs on it.
    std::shared_ptr<const Lesson> staleCache(const QString& first, const QString& second,
                                             const kv::GenerationSettings& settings) const;
    // The position counter never advances.
    std::shared_ptr<const Lesson> frozenPosition(const QString& prompt, const kv::GenerationSettings& settings) const;

private:
    std::shared_ptr<Lesson> wrap(kv::WalkThrough run, Lesson::Kind kind, const kv::SamplingSettings& sampling) const;
    std::vector<int> encode(const QString& prompt) const;

    kv::ModelBundle m_bundle;
};

} // namespace kvlab
