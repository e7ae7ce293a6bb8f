#pragma once

#include "core/decode/DecodeSession.h"
#include "core/decode/GenerationSettings.h"
#include "core/decode/Trace.h"

namespace kv {

// Generates from `prompt` with `session`, recording every step: the prefill,
// then one decode step per token until [EOS] or the token budget. The
// per-head records are kept only with `keepHeads` (they grow with steps x
// layers x heads x length^2; LazyWalkThrough recomputes them on demand).
// Throws CapacityError when the prompt is longer than longestPrompt() or
// prompt plus budget exceed the context.
Trace generateTrace(DecodeSession& session, const std::vector<int>& prompt, const GenerationSettings& settings,
                    int eosId, bool resetCache = true, bool keepHeads = false);

// The uncached trace of the same sequence, every step pending: inputs,
// positions and multiply-adds are filled in, the passes have not run.
Trace pendingUncachedTrace(const Trace& reference);

// How many new tokens a run asks for: the budget given, or else all the room
// the context leaves after the prompt (never negative).
int effectiveMaxNewTokens(const ModelConfig& config, std::size_t promptLength, const GenerationSettings& settings);

// The longest prompt that leaves room for the prefill and one decode step.
int longestPrompt(const ModelConfig& config);

} // namespace kv
