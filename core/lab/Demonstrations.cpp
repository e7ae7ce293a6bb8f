#include "core/lab/Demonstrations.h"

#include "core/decode/DecodeSession.h"
#include "core/cache/CapacityError.h"
#include "core/decode/TraceGenerator.h"

namespace kv {

WalkThrough runStaleCacheDemo(const Transformer& model, const std::vector<int>& first, const std::vector<int>& second,
                              const GenerationSettings& settings, int eosId)
{
    DecodeSession correct(model, DecodeMode::Uncached);
    DecodeSession buggy(model, DecodeMode::Cached);
    GenerationSettings firstRun = settings;
    firstRun.maxNewTokens = 0;
    generateTrace(buggy, first, firstRun, eosId);

    WalkThrough result;
    result.staleCacheRows = buggy.cache().length();
    GenerationSettings secondRun = settings;
    // The stale rows take room in the cache: generate only as far as it holds.
    const int room = model.config().nPositions - result.staleCacheRows - static_cast<int>(second.size());
    if (room < 1)
        throw CapacityError("the first prompt leaves no room in the cache for the second");
    secondRun.maxNewTokens = settings.maxNewTokens > 0 ? std::min(settings.maxNewTokens, room) : room;
    result.uncached = generateTrace(correct, second, secondRun, eosId);
    result.cached = generateTrace(buggy, second, secondRun, eosId, /*resetCache=*/false);
    result.cachedCache = std::make_shared<const KVCache>(buggy.cache().copy());
    compareLogits(result);
    return result;
}

WalkThrough runFrozenPositionDemo(const Transformer& model, const std::vector<int>& prompt,
                                  const GenerationSettings& settings, int eosId)
{
    DecodeSession correct(model, DecodeMode::Uncached);
    DecodeSession buggy(model, DecodeMode::Cached);
    buggy.setAdvancePosition(false);
    WalkThrough result;
    result.uncached = generateTrace(correct, prompt, settings, eosId);
    result.cached = generateTrace(buggy, prompt, settings, eosId);
    result.cachedCache = std::make_shared<const KVCache>(buggy.cache().copy());
    compareLogits(result);
    return result;
}

} // namespace kv
