#pragma once

#include <cstdint>

namespace kv {

// Multiply-adds of one forward pass, by phase. Matrix products count, and the
// rotary embedding (two per rotated element: x cos -/+ partner sin); norms,
// GELU/SiLU, softmax and bias adds are a small linear term left out.
struct MacCounts {
    std::int64_t projections = 0;     // q/k/v projection and attention output projection
    std::int64_t attentionScores = 0; // q . k over every (query, key) pair computed
    std::int64_t attentionMix = 0;    // weights . V
    std::int64_t rotary = 0;          // RoPE on q and k (rotary models only)
    std::int64_t mlp = 0;             // the MLP matrices: two for GELU, three for SwiGLU (gate, up, down)
    std::int64_t lmHead = 0;          // final hidden state . classifier (tied: the token embedding)

    std::int64_t total() const { return projections + rotary + attentionScores + attentionMix + mlp + lmHead; }
    MacCounts& operator+=(const MacCounts& other);
    bool operator==(const MacCounts& other) const = default;
};

} // namespace kv
