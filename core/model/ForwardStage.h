#pragma once

namespace kv {

// The labelled intermediate tensors of a forward pass, in the order the pass
// computes them within a layer (the names golden.json gives them).
enum class ForwardStage {
    AttnNorm,    // (n, d): the block's input after its first norm
    QBeforeRope, // (n, q_dim): rotary models only
    KBeforeRope, // (n, kv_dim): rotary models only
    Q,           // (n, q_dim): after the projection (and the rotation)
    K,           // (n, kv_dim): as it is cached (rotated)
    V,           // (n, kv_dim)
    AttnOutput,  // (n, d): after the output projection, before the residual add
    MlpNorm,     // (n, d): after the second norm
    MlpOutput,   // (n, d): before the residual add
    Logits,      // (1, vocab): layer -1; the last token only
};

// "attn_norm", "q_before_rope", ... as in golden.json.
const char* stageName(ForwardStage stage);

} // namespace kv
