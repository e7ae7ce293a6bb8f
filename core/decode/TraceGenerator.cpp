#include "core/decode/TraceGenerator.h"

#include "core/cache/CapacityError.h"
#include "core/model/CostModel.h"
#include "core/decode/Sampler.h"
#include "core/tensor/TensorOps.h"
#include "core/decode/TraceRecorder.h"

#include <algorithm>
#include <chrono>
#include <numeric>

namespace kv {

namespace {

StepRecord recordStep(const DecodeSession& session, DecodePass&& result, TraceRecorder& recorder, int index,
                      double wallMs)
{
    StepRecord step;
    step.mode = session.mode();
    step.index = index;
    step.prefill = index == 0;
    step.inputTokens = std::move(result.inputs);
    step.positions = std::move(result.positions);
    step.firstNewInput = result.firstNewInput;
    step.keyTokens = std::move(result.keyTokens);
    step.heads = recorder.take();
    step.logits = result.logits;
    step.probabilities = softmax(result.logits);
    step.cost.macs = result.macs;
    step.cost.kvBytes = session.mode() == DecodeMode::Cached ? session.cache().bytesInUse() : 0;
    step.cost.wallMs = wallMs;
    return step;
}

} // namespace

int effectiveMaxNewTokens(const ModelConfig& config, std::size_t promptLength, const GenerationSettings& settings)
{
    // The prompt and every token generated must fit in the context together.
    const int room = std::max(0, config.nPositions - static_cast<int>(promptLength));
    return settings.maxNewTokens > 0 ? settings.maxNewTokens : room;
}

int longestPrompt(const ModelConfig& config)
{
    // After the prompt: the prefill's token, and at least one decode step's.
    return config.nPositions - 2;
}

void checkCapacity(const ModelConfig& config, int promptLength, int maxNew)
{
    const auto tokens = [](int count) { return std::to_string(count) + (count == 1 ? " token" : " tokens"); };
    const std::string context = "the model's context of " + tokens(config.nPositions);
    if (promptLength > longestPrompt(config))
        throw CapacityError("a prompt of " + tokens(promptLength) + " leaves no room for a decode step in " + context
                            + ": a prompt can be at most " + tokens(longestPrompt(config))
                            + " long, so that a prefill and at least one decode step fit");
    if (promptLength + maxNew > config.nPositions)
        throw CapacityError("a prompt of " + tokens(promptLength) + " plus " + tokens(maxNew) + " to generate exceeds "
                            + context + ": after this prompt at most " + tokens(config.nPositions - promptLength)
                            + " fit");
}

int generateSteps(DecodeSession& session, const std::vector<int>& prompt, const GenerationSettings& settings,
                  int eosId, const StepSink& sink, bool resetCache, bool keepHeads)
{
    const ModelConfig& config = session.model().config();
    const int maxNew = effectiveMaxNewTokens(config, prompt.size(), settings);
    if (prompt.empty())
        throw KvError("the prompt is empty; give at least one word");
    checkCapacity(config, static_cast<int>(prompt.size()), maxNew);

    Sampler sampler(settings.sampling);
    TraceRecorder recorder;
    using Clock = std::chrono::steady_clock;
    int chosen = -1;
    for (int index = 0; index < maxNew; ++index) {
        const auto begin = Clock::now();
        ForwardObserver* observer = keepHeads ? &recorder : nullptr;
        DecodePass result = index == 0 ? session.start(prompt, observer, resetCache) : session.next(chosen, observer);
        const double wallMs = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
        StepRecord step = recordStep(session, std::move(result), recorder, index, wallMs);
        step.chosenToken = sampler.pick(step.logits, &step.draw);
        step.sampled = sampler.describe(step.logits, step.chosenToken);
        chosen = step.chosenToken;
        const bool wanted = sink(std::move(step), session);
        if (!wanted || (settings.stopAtEos && chosen == eosId))
            return index + 1;
    }
    return maxNew;
}

Trace generateTrace(DecodeSession& session, const std::vector<int>& prompt, const GenerationSettings& settings,
                    int eosId, bool resetCache, bool keepHeads)
{
    Trace trace;
    trace.mode = session.mode();
    trace.config = session.model().config();
    trace.prompt = prompt;
    generateSteps(
        session, prompt, settings, eosId,
        [&trace](StepRecord&& step, const DecodeSession&) {
            trace.steps.push_back(std::move(step));
            return true;
        },
        resetCache, keepHeads);
    return trace;
}

Trace pendingUncachedTrace(const Trace& reference)
{
    Trace trace;
    trace.mode = DecodeMode::Uncached;
    trace.config = reference.config;
    trace.prompt = reference.prompt;
    std::vector<int> sequence = reference.prompt;
    for (const StepRecord& known : reference.steps) {
        if (known.index > 0)
            sequence.push_back(reference.steps[static_cast<std::size_t>(known.index - 1)].chosenToken);
        trace.steps.push_back(pendingUncachedStep(reference.config, sequence, known.index));
    }
    return trace;
}

StepRecord pendingUncachedStep(const ModelConfig& config, const std::vector<int>& sequence, int index)
{
    StepRecord step;
    step.mode = DecodeMode::Uncached;
    step.index = index;
    step.prefill = index == 0;
    step.pending = true;
    step.inputTokens = sequence;
    step.positions.resize(sequence.size());
    std::iota(step.positions.begin(), step.positions.end(), 0);
    step.firstNewInput = step.prefill ? 0 : static_cast<int>(sequence.size()) - 1;
    step.keyTokens = sequence;
    step.cost.macs = CostModel(config).uncachedStep(static_cast<std::int64_t>(sequence.size()));
    return step;
}

} // namespace kv
