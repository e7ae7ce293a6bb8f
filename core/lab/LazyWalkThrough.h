#pragma once

#include "core/lab/PassHeads.h"
#include "core/decode/SamplingSettings.h"
#include "core/lab/WalkThrough.h"

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>

namespace kv {

// A walk-through that keeps per step only what every view needs (tokens,
// positions, logits, cost) and recomputes what each head saw when a view asks
// for it: the pass is run again from the recorded inputs, the cached path's
// over the first rows of its final cache, so the records are the ones the
// original pass produced (to the last bits of float rounding: the vector
// kernels may peel differently at another buffer alignment). Uncached passes deferred by
// runWalkThrough(..., OnDemand) run the first time their step is asked for.
// A few recent passes are held, up to a byte budget, so memory no longer
// grows with steps x layers x heads x length^2. Safe to share between threads,
// but for a growing walk-through: append() and run() belong to one thread.
class LazyWalkThrough {
public:
    static constexpr std::size_t kDefaultBudgetBytes = 192u << 20;

    LazyWalkThrough(std::shared_ptr<const Transformer> model, WalkThrough run, SamplingSettings sampling,
                    std::size_t budgetBytes = kDefaultBudgetBytes);
    // A walk-through the cached path is still generating, elsewhere: no step
    // yet; append() adds them as they come, up to `maxSteps`.
    LazyWalkThrough(std::shared_ptr<const Transformer> model, std::vector<int> prompt, int maxSteps,
                    SamplingSettings sampling, std::size_t budgetBytes = kDefaultBudgetBytes);

    // Adds the cached path's next step (generateSteps' record, without its
    // heads) with the cache rows its pass appended, and the uncached step over
    // the same sequence, pending. Throws KvError for a step out of order, or
    // past maxSteps, or on a walk-through that was generated whole.
    void append(StepRecord cachedStep, const KVCache& appendedRows);
    // The rows `step` appended at the end of `cache`, as a cache of their own.
    static KVCache rowsAppended(const KVCache& cache, const StepRecord& step);

    // The summaries. Uncached steps may still be pending: use step() to read
    // a step's logits, pick or wall time.
    const WalkThrough& run() const { return m_run; }
    const ModelConfig& config() const { return m_run.cached.config; }
    const Transformer& model() const { return *m_model; }
    int stepCount() const;

    // The step's record, its uncached pass run first if it was pending.
    const StepRecord& step(DecodeMode mode, int index);
    // Every head's record of the step's pass in `mode`.
    std::shared_ptr<const PassHeads> heads(DecodeMode mode, int index);
    // Runs every pending uncached pass, in order, until `keepGoing` says stop.
    // `progress` (may be empty) hears (done, total) after each pass.
    template <class KeepGoing, class Progress>
    void runPending(KeepGoing keepGoing, Progress progress);
    int pendingCount() const;

    // For tests and the status line: passes run since construction, and the
    // records held now with their bytes.
    int passesRun() const;
    int recordsHeld() const;
    std::size_t bytesHeld() const;

private:
    struct Held {
        DecodeMode mode;
        int step;
        std::shared_ptr<const PassHeads> heads;
    };

    const StepRecord& stepLocked(DecodeMode mode, int index);
    std::shared_ptr<const PassHeads> replayLocked(DecodeMode mode, int index);
    void completeUncachedLocked(int index, const ForwardResult& result, double wallMs);
    void holdLocked(DecodeMode mode, int index, std::shared_ptr<const PassHeads> heads);

    std::shared_ptr<const Transformer> m_model;
    WalkThrough m_run;
    SamplingSettings m_sampling;
    std::size_t m_budgetBytes;
    std::shared_ptr<KVCache> m_growingCache; // m_run.cachedCache while append() fills it, else null
    int m_maxSteps = 0;
    mutable std::mutex m_mutex;
    std::list<Held> m_recent; // most recently used first
    int m_passesRun = 0;
};

template <class KeepGoing, class Progress>
void LazyWalkThrough::runPending(KeepGoing keepGoing, Progress progress)
{
    const int total = stepCount();
    for (int index = 0; index < total && keepGoing(); ++index) {
        step(DecodeMode::Uncached, index);
        progress(index + 1, total);
    }
}

} // namespace kv
