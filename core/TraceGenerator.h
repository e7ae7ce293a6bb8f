#pragma once

#include "DecodeSession.h"
#include "GenerationSettings.h"
#include "Trace.h"

namespace kv {

// Generates from `prompt` with `session`, recording every step: the prefill,
// then one decode step per token until [EOS] or the token budget.
// Throws CapacityError when the prompt is longer than longestPrompt() or
// prompt plus budget exceed the context.
Trace generateTrace(DecodeSession& session, const std::vector<int>& prompt, const GenerationSettings& settings,
                    int eosId, bool resetCache = true);

// How many new tokens a run asks for: the budget given, or else all the room
// the context leaves after the prompt (never negative).
int effectiveMaxNewTokens(const ModelConfig& config, std::size_t promptLength, const GenerationSettings& settings);

// The longest prompt that leaves room for the prefill and one decode step.
int longestPrompt(const ModelConfig& config);

} // namespace kv
