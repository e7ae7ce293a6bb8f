#pragma once

#include <cstdint>

namespace kv {

// Multiply-adds of one forward pass, by phase. Only matrix products count;
// LayerNorm, GELU, softmax and bias adds are a small linear term left out.
struct MacCounts {
    std::int64_t projections = 0;     // q/k/v projection and attention output projection
    std::int64_t attentionScores = 0; // q . k over every (query, key) pair computed
    std::int64_t attentionMix = 0;    // weights . V
    std::int64_t mlp = 0;             // both MLP matrices
    std::int64_t lmHead = 0;          // final hidden state . token embedding

    std::int64_t total() const { return projections + attentionScores + attentionMix + mlp + lmHead; }
    MacCounts& operator+=(const MacCounts& other);
    bool operator==(const MacCounts& other) const = default;
};

} // namespace kv
