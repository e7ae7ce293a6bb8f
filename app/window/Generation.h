#pragma once

#include "core/decode/GenerationSettings.h"
#include "core/lab/LazyWalkThrough.h"
#include "views/playback/Lesson.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

class QThread;

namespace kvlab {

// One prompt's walk-through generated on a thread of its own: the cached
// path runs there step by step, and each step joins the walk-through on the
// GUI thread as soon as it is done, so the window shows the steps so far
// while the later ones run. The uncached passes are left pending (the
// walk-through runs them when their step is shown).
class Generation : public QObject {
    Q_OBJECT

public:
    // Starts at once, for `plannedSteps` steps at most. The lessons made of
    // the walk-through are labelled with `tokenizer` and `modelName`.
    Generation(std::shared_ptr<const kv::Transformer> model, std::shared_ptr<const kv::Tokenizer> tokenizer,
               QString modelName, std::vector<int> prompt, int plannedSteps, kv::GenerationSettings settings,
               QObject* parent = nullptr);
    // Cancels, and waits for the step in progress.
    ~Generation() override;

    // The walk-through so far as a new Lesson (views that draw a lesson whole
    // see a new one and redraw); null before the first step has arrived.
    std::shared_ptr<const Lesson> lesson() const;
    int stepsDone() const { return m_walk->stepCount(); }
    int stepsPlanned() const { return m_planned; }
    bool running() const { return m_running; }
    bool cancelled() const { return m_cancelled; }
    // Stops after the step in progress. The walk-through keeps the steps that
    // have arrived and ends there; later ones are dropped. finished() follows.
    void cancel();

signals:
    void stepAdded(int done, int planned);
    // The generation is over: every step done, [EOS], cancelled or failed.
    void finished();
    void failed(const QString& message);

private:
    void run(std::shared_ptr<const kv::Transformer> model, std::vector<int> prompt, kv::GenerationSettings settings,
             int eosId);
    void fail(const QString& message);
    void receive(kv::StepRecord step, const kv::KVCache& rows);

    std::shared_ptr<kv::LazyWalkThrough> m_walk;
    std::shared_ptr<const kv::Tokenizer> m_tokenizer;
    QString m_modelName;
    int m_planned;
    bool m_running = true;
    bool m_cancelled = false;        // GUI thread: steps arriving after cancel() are dropped
    std::atomic<bool> m_stop{false}; // read by the generating thread between steps
    QThread* m_thread;
};

} // namespace kvlab
