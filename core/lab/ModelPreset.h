#pragma once

#include "core/model/ModelConfig.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kv {

// What one token leaves in the cache of one layer.
enum class AttentionKind {
    Standard,  // K and V per KV head: MHA (kv heads == heads), GQA, MQA (1 KV head)
    LatentMla, // DeepSeek's multi-head latent attention: one compressed latent
};

// The published shape of a model, as far as its memory is concerned. A
// custom shape is a ModelPreset filled in by hand (parameters 0: unknown).
struct ModelPreset {
    std::string name;
    int layers = 0;
    int heads = 0;
    int kvHeads = 0;
    int headDim = 0;
    int hiddenSize = 0;
    std::int64_t parameters = 0; // for the weights' memory
    std::int64_t maxContext = 0; // tokens it was trained for; 0: unknown
    std::optional<std::int64_t> slidingWindow; // the cache keeps at most this many tokens
    AttentionKind attention = AttentionKind::Standard;
    int latentRank = 0;    // LatentMla only: the compressed KV latent (kv_lora_rank)
    int latentRopeDim = 0; // LatentMla only: the decoupled RoPE key cached beside it
    std::string source;     // where the figures come from, one line

    // MLA: elements one token caches per layer (the latent and its RoPE key).
    std::int64_t latentElements() const { return std::int64_t(latentRank) + latentRopeDim; }
    // "MHA", "GQA", "MQA" or "MLA".
    std::string attentionName() const;
    // Why the cache has the size it has when that is not the plain formula
    // (MLA), else empty.
    std::string attentionNote() const;

    // "the live model": the shape of a loaded config, with its GPT-2
    // parameter count (embeddings, blocks, final LayerNorm; LM head tied).
    static ModelPreset fromConfig(const ModelConfig& config);
};

} // namespace kv
