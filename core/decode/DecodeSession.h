#pragma once

#include "core/decode/DecodeMode.h"
#include "core/decode/DecodePass.h"
#include "core/model/ForwardObserver.h"
#include "core/model/ForwardResult.h"
#include "core/model/ForwardScratch.h"
#include "core/cache/KVCache.h"
#include "core/model/Transformer.h"

#include <vector>

namespace kv {

// The run state of one generation in one mode: the cache (cached mode), the
// current position counter, and the tokens so far. The model stays const.
class DecodeSession {
public:
    DecodeSession(const Transformer& model, DecodeMode mode);

    // Two bugs the app demonstrates on purpose:
    // start(prompt, ..., resetCache=false) keeps the previous prompt's keys and
    // values, and setAdvancePosition(false) leaves the position counter at 0.
    void setAdvancePosition(bool advance) { m_advancePosition = advance; }

    // Runs the prompt (the prefill). Positions restart at 0.
    DecodePass start(const std::vector<int>& prompt, ForwardObserver* observer = nullptr, bool resetCache = true);
    // Runs one decode step for `token`, the one chosen last.
    DecodePass next(int token, ForwardObserver* observer = nullptr);

    DecodeMode mode() const { return m_mode; }
    const Transformer& model() const { return m_model; }
    int currentPos() const { return m_currentPos; }
    const KVCache& cache() const { return m_cache; }
    const ForwardScratch& scratch() const { return m_scratch; }
    const std::vector<int>& sequence() const { return m_sequence; }
    // Whose keys/values the last pass read, in row order: the cache rows (cached) or the sequence.
    const std::vector<int>& keyTokens() const { return m_mode == DecodeMode::Cached ? m_cachedTokens : m_sequence; }

private:
    DecodePass run(std::vector<int> inputs, std::vector<int> positions, int firstNewInput, ForwardObserver* observer);

    const Transformer& m_model;
    DecodeMode m_mode;
    KVCache m_cache;
    ForwardScratch m_scratch; // room for the whole context, so decoding allocates nothing
    bool m_advancePosition = true;
    int m_currentPos = 0;
    std::vector<int> m_sequence;     // prompt + tokens fed since start()
    std::vector<int> m_cachedTokens; // one per cache row
};

} // namespace kv
