#include "TraceGenerator.h"

#include "CapacityError.h"
#include "Sampler.h"
#include "TensorOps.h"
#include "TraceRecorder.h"

#include <chrono>

namespace kv {

namespace {

StepRecord recordStep(const DecodeSession& session, const ForwardResult& result, TraceRecorder& recorder, int index,
                      double wallMs)
{
    StepRecord step;
    step.mode = session.mode();
    step.index = index;
    step.prefill = index == 0;
    step.inputTokens = session.lastInputs();
    step.positions = session.lastPositions();
    step.firstNewInput = session.lastFirstNewInput();
    step.keyTokens = session.keyTokens();
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
    const int room = config.nPositions - static_cast<int>(promptLength);
    return settings.maxNewTokens > 0 ? settings.maxNewTokens : room;
}

Trace generateTrace(DecodeSession& session, const std::vector<int>& prompt, const GenerationSettings& settings,
                    int eosId, bool resetCache)
{
    const ModelConfig& config = session.model().config();
    const int maxNew = effectiveMaxNewTokens(config, prompt.size(), settings);
    if (prompt.empty())
        throw KvError("the prompt is empty; give at least one word");
    if (maxNew < 1 || static_cast<int>(prompt.size()) + maxNew > config.nPositions)
        throw CapacityError("prompt of " + std::to_string(prompt.size()) + " tokens plus " + std::to_string(maxNew)
                            + " new tokens exceeds the model's context of " + std::to_string(config.nPositions)
                            + " tokens");

    Trace trace;
    trace.mode = session.mode();
    trace.config = config;
    trace.prompt = prompt;
    Sampler sampler(settings.sampling);
    TraceRecorder recorder;

    using Clock = std::chrono::steady_clock;
    for (int index = 0; index < maxNew; ++index) {
        const auto begin = Clock::now();
        const ForwardResult result = index == 0 ? session.start(prompt, &recorder, resetCache)
                                                : session.next(trace.steps.back().chosenToken, &recorder);
        const double wallMs = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
        StepRecord step = recordStep(session, result, recorder, index, wallMs);
        step.chosenToken = sampler.pick(result.logits);
        step.sampled = sampler.describe(result.logits, step.chosenToken);
        trace.steps.push_back(std::move(step));
        if (settings.stopAtEos && trace.steps.back().chosenToken == eosId)
            break;
    }
    return trace;
}

} // namespace kv
