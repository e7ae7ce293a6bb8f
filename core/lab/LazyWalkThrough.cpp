#include "core/lab/LazyWalkThrough.h"

#include "core/util/KvError.h"
#include "core/decode/Sampler.h"
#include "core/tensor/TensorOps.h"
#include "core/decode/TraceGenerator.h"
#include "core/decode/TraceRecorder.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>

namespace kv {

namespace {

// The cache as the cached pass of `step` found it: the first rows of the
// final cache, with room for the rows the pass appends.
KVCache cacheBefore(const KVCache& final, const StepRecord& step)
{
    const int before = static_cast<int>(step.keyTokens.size() - step.inputTokens.size());
    KVCache cache(final.layers(), before + static_cast<int>(step.inputTokens.size()), final.kvDim());
    for (int layer = 0; layer < final.layers(); ++layer)
        cache.append(layer, final.keys(layer).topRows(before), final.values(layer).topRows(before));
    return cache;
}

} // namespace

LazyWalkThrough::LazyWalkThrough(std::shared_ptr<const Transformer> model, WalkThrough run, SamplingSettings sampling,
                                 std::size_t budgetBytes)
    : m_model(std::move(model))
    , m_run(std::move(run))
    , m_sampling(sampling)
    , m_budgetBytes(budgetBytes)
{
    if (!m_run.cachedCache)
        throw KvError("walk-through has no cached-path cache to replay its steps from");
}

LazyWalkThrough::LazyWalkThrough(std::shared_ptr<const Transformer> model, std::vector<int> prompt, int maxSteps,
                                 SamplingSettings sampling, std::size_t budgetBytes)
    : m_model(std::move(model))
    , m_sampling(sampling)
    , m_budgetBytes(budgetBytes)
    , m_maxSteps(maxSteps)
{
    const ModelConfig& config = m_model->config();
    for (Trace* trace : {&m_run.cached, &m_run.uncached}) {
        trace->config = config;
        trace->prompt = prompt;
        // Room for every step up front: step() hands out references that must
        // survive the steps appended after.
        trace->steps.reserve(static_cast<std::size_t>(maxSteps));
    }
    m_run.uncached.mode = DecodeMode::Uncached;
    m_run.maxAbsLogitDiff.reserve(static_cast<std::size_t>(maxSteps));
    // The prefill appends the prompt's rows, every later step one.
    const int rows = static_cast<int>(prompt.size()) + std::max(0, maxSteps - 1);
    m_growingCache = std::make_shared<KVCache>(config.nLayer, std::max(1, rows), config.kvDim());
    m_run.cachedCache = m_growingCache;
}

void LazyWalkThrough::append(StepRecord cachedStep, const KVCache& appendedRows)
{
    const std::lock_guard lock(m_mutex);
    if (!m_growingCache)
        throw KvError("this walk-through was generated whole; no step can be appended to it");
    const int index = stepCount();
    if (cachedStep.index != index || index >= m_maxSteps)
        throw KvError("step " + std::to_string(cachedStep.index) + " cannot be appended to a walk-through of "
                      + std::to_string(index) + " steps (at most " + std::to_string(m_maxSteps) + ")");
    std::vector<int> sequence = m_run.cached.prompt;
    if (index > 0) {
        sequence = m_run.uncached.steps.back().inputTokens;
        sequence.push_back(m_run.cached.steps.back().chosenToken);
    }
    for (int layer = 0; layer < appendedRows.layers(); ++layer)
        m_growingCache->append(layer, appendedRows.keys(layer), appendedRows.values(layer));
    m_run.cached.steps.push_back(std::move(cachedStep));
    m_run.uncached.steps.push_back(pendingUncachedStep(m_run.cached.config, sequence, index));
    m_run.maxAbsLogitDiff.push_back(std::numeric_limits<float>::quiet_NaN());
}

KVCache LazyWalkThrough::rowsAppended(const KVCache& cache, const StepRecord& step)
{
    const int count = static_cast<int>(step.inputTokens.size());
    KVCache rows(cache.layers(), count, cache.kvDim());
    for (int layer = 0; layer < cache.layers(); ++layer)
        rows.append(layer, cache.keys(layer).bottomRows(count), cache.values(layer).bottomRows(count));
    return rows;
}

int LazyWalkThrough::stepCount() const
{
    return static_cast<int>(std::min(m_run.cached.steps.size(), m_run.uncached.steps.size()));
}

const StepRecord& LazyWalkThrough::step(DecodeMode mode, int index)
{
    const std::lock_guard lock(m_mutex);
    return stepLocked(mode, index);
}

const StepRecord& LazyWalkThrough::stepLocked(DecodeMode mode, int index)
{
    Trace& trace = mode == DecodeMode::Cached ? m_run.cached : m_run.uncached;
    StepRecord& record = trace.steps.at(static_cast<std::size_t>(index));
    if (record.pending)
        replayLocked(mode, index);
    return record;
}

std::shared_ptr<const PassHeads> LazyWalkThrough::heads(DecodeMode mode, int index)
{
    const std::lock_guard lock(m_mutex);
    for (auto held = m_recent.begin(); held != m_recent.end(); ++held) {
        if (held->mode == mode && held->step == index) {
            m_recent.splice(m_recent.begin(), m_recent, held);
            return m_recent.front().heads;
        }
    }
    return replayLocked(mode, index);
}

std::shared_ptr<const PassHeads> LazyWalkThrough::replayLocked(DecodeMode mode, int index)
{
    const Trace& trace = mode == DecodeMode::Cached ? m_run.cached : m_run.uncached;
    const StepRecord& step = trace.steps.at(static_cast<std::size_t>(index));
    TraceRecorder recorder(/*keepRopeInputs=*/true);
    const auto begin = std::chrono::steady_clock::now();
    ForwardResult result;
    if (mode == DecodeMode::Cached) {
        KVCache cache = cacheBefore(*m_run.cachedCache, step);
        result = m_model->forward(step.inputTokens, step.positions, &cache, &recorder);
    } else {
        result = m_model->forward(step.inputTokens, step.positions, nullptr, &recorder);
    }
    const double wallMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
    ++m_passesRun;
    if (step.pending)
        completeUncachedLocked(index, result, wallMs);
    auto heads = std::make_shared<const PassHeads>(
        PassHeads{recorder.take(), recorder.takeQueriesBeforeRope(), recorder.takeKeysBeforeRope()});
    holdLocked(mode, index, heads);
    return heads;
}

void LazyWalkThrough::completeUncachedLocked(int index, const ForwardResult& result, double wallMs)
{
    StepRecord& step = m_run.uncached.steps.at(static_cast<std::size_t>(index));
    const StepRecord& reference = m_run.cached.steps.at(static_cast<std::size_t>(index));
    step.logits = result.logits;
    step.probabilities = softmax(result.logits);
    // The same draw the cached path's sampler made: both paths pick alike
    // unless their logits differ, which the |Δlogit| check would show.
    step.draw = reference.draw;
    const Sampler sampler(m_sampling);
    step.chosenToken = sampler.pickWith(result.logits, reference.draw);
    step.sampled = sampler.describe(result.logits, step.chosenToken);
    step.cost.wallMs = wallMs;
    step.pending = false;
    m_run.maxAbsLogitDiff.at(static_cast<std::size_t>(index)) =
        (step.logits - reference.logits).cwiseAbs().maxCoeff();
}

void LazyWalkThrough::holdLocked(DecodeMode mode, int index, std::shared_ptr<const PassHeads> heads)
{
    m_recent.push_front({mode, index, std::move(heads)});
    // Keep the two panes' passes (one per mode) whatever their size.
    std::size_t total = 0;
    int kept = 0;
    for (auto held = m_recent.begin(); held != m_recent.end();) {
        total += held->heads->bytes();
        ++kept;
        if (kept > 2 && total > m_budgetBytes)
            held = m_recent.erase(held);
        else
            ++held;
    }
}

int LazyWalkThrough::pendingCount() const
{
    const std::lock_guard lock(m_mutex);
    return static_cast<int>(std::count_if(m_run.uncached.steps.begin(), m_run.uncached.steps.end(),
                                          [](const StepRecord& step) { return step.pending; }));
}

int LazyWalkThrough::passesRun() const
{
    const std::lock_guard lock(m_mutex);
    return m_passesRun;
}

int LazyWalkThrough::recordsHeld() const
{
    const std::lock_guard lock(m_mutex);
    return static_cast<int>(m_recent.size());
}

std::size_t LazyWalkThrough::bytesHeld() const
{
    const std::lock_guard lock(m_mutex);
    std::size_t total = 0;
    for (const Held& held : m_recent)
        total += held.heads->bytes();
    return total;
}

} // namespace kv
