#pragma once

#include "core/lab/WalkThrough.h"

namespace kv {

// The two bugs TEACHING.md asks the app to show, run for real. In both, the
// uncached trace is the correct run and the cached trace carries the bug.
// With UncachedPasses::OnDemand the correct tokens come from a correct cached
// session and the uncached passes over them are left pending (LazyWalkThrough
// runs each when its step is shown): on a large model a demonstration then
// costs two cached runs, not a recomputation at every step.

// The cache is not reset between two prompts: `second` attends to the keys
// and values `first` (and its generated tokens) left behind.
WalkThrough runStaleCacheDemo(const Transformer& model, const std::vector<int>& first,
                              const std::vector<int>& second, const GenerationSettings& settings, int eosId,
                              UncachedPasses uncachedPasses = UncachedPasses::Now);

// The position counter never advances: every decoded token is embedded at position 0.
WalkThrough runFrozenPositionDemo(const Transformer& model, const std::vector<int>& prompt,
                                  const GenerationSettings& settings, int eosId,
                                  UncachedPasses uncachedPasses = UncachedPasses::Now);

} // namespace kv
