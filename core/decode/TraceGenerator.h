#pragma once

#include "core/decode/DecodeSession.h"
#include "core/decode/GenerationSettings.h"
#include "core/decode/Trace.h"

#include <functional>

namespace kv {

// Hears each step generateSteps records, with the session that ran it (in
// cached mode its cache holds the rows the step appended). Returning false
// stops the generation after that step.
using StepSink = std::function<bool(StepRecord&& step, const DecodeSession& session)>;

// Generates from `prompt` with `session`, recording every step: the prefill,
// then one decode step per token until [EOS] or the token budget. The
// per-head records are kept only with `keepHeads` (they grow with steps x
// layers x heads x length^2; LazyWalkThrough recomputes them on demand).
// Throws CapacityError when the prompt is longer than longestPrompt() or
// prompt plus budget exceed the context.
Trace generateTrace(DecodeSession& session, const std::vector<int>& prompt, const GenerationSettings& settings,
                    int eosId, bool resetCache = true, bool keepHeads = false);

// generateTrace without a trace: each step goes to `sink` as soon as it is
// recorded, so another thread can show the steps while later ones run.
// Returns the number of steps generated. Checks and throws as generateTrace,
// before the first step.
int generateSteps(DecodeSession& session, const std::vector<int>& prompt, const GenerationSettings& settings,
                  int eosId, const StepSink& sink, bool resetCache = true, bool keepHeads = false);

// Throws CapacityError when a prompt of `promptLength` tokens plus `maxNew`
// new ones cannot be generated in the model's context.
void checkCapacity(const ModelConfig& config, int promptLength, int maxNew);

// The uncached trace of the same sequence, every step pending: inputs,
// positions and multiply-adds are filled in, the passes have not run.
Trace pendingUncachedTrace(const Trace& reference);
// Its step `index`, whose pass reads `sequence` (the prompt and the tokens
// chosen before the step).
StepRecord pendingUncachedStep(const ModelConfig& config, const std::vector<int>& sequence, int index);

// How many new tokens a run asks for: the budget given, or else all the room
// the context leaves after the prompt (never negative).
int effectiveMaxNewTokens(const ModelConfig& config, std::size_t promptLength, const GenerationSettings& settings);

// The longest prompt that leaves room for the prefill and one decode step.
int longestPrompt(const ModelConfig& config);

} // namespace kv
