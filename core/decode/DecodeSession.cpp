#include "core/decode/DecodeSession.h"

#include "core/tensor/TensorOps.h"

#include <numeric>

namespace kv {

DecodeSession::DecodeSession(const Transformer& model, DecodeMode mode)
    : m_model(model)
    , m_mode(mode)
    , m_cache(KVCache::forModel(model.config()))
{
    const int context = model.config().nPositions;
    m_scratch.reserve(model.config(), context, context, availableCores());
}

DecodePass DecodeSession::start(const std::vector<int>& prompt, ForwardObserver* observer, bool resetCache)
{
    if (resetCache) {
        m_cache.reset();
        m_cachedTokens.clear();
    }
    m_currentPos = 0;
    m_sequence = prompt;
    std::vector<int> positions(prompt.size());
    std::iota(positions.begin(), positions.end(), 0);
    return run(prompt, positions, 0, observer);
}

DecodePass DecodeSession::next(int token, ForwardObserver* observer)
{
    m_sequence.push_back(token);
    if (m_mode == DecodeMode::Uncached) {
        // No cache: the whole sequence goes through again, at positions 0..n-1.
        std::vector<int> positions(m_sequence.size());
        std::iota(positions.begin(), positions.end(), 0);
        return run(m_sequence, positions, static_cast<int>(m_sequence.size()) - 1, observer);
    }
    return run({token}, {m_currentPos}, 0, observer);
}

DecodePass DecodeSession::run(std::vector<int> inputs, std::vector<int> positions, int firstNewInput,
                              ForwardObserver* observer)
{
    const bool cached = m_mode == DecodeMode::Cached;
    DecodePass pass;
    static_cast<ForwardResult&>(pass) = m_model.forward(inputs, positions, cached ? &m_cache : nullptr, observer, m_scratch);
    if (cached) {
        m_cachedTokens.insert(m_cachedTokens.end(), inputs.begin(), inputs.end());
        if (m_advancePosition)
            m_currentPos += static_cast<int>(inputs.size());
    }
    pass.inputs = std::move(inputs);
    pass.positions = std::move(positions);
    pass.firstNewInput = firstNewInput;
    pass.keyTokens = keyTokens();
    return pass;
}

} // namespace kv
