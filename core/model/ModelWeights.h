#pragma once

#include "core/io/LoadOptions.h"
#include "core/io/SafetensorsFile.h"
#include "core/model/LayerWeights.h"
#include "core/model/ModelConfig.h"
#include "core/model/WeightTable.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kv {

// All parameters of a model. Which tensors exist, their checkpoint names and
// shapes come from the family's weight table (WeightTable.h); a tensor the
// family does not have stays empty. A matrix a checkpoint stores as the
// forward pass reads it, in F32, in a memory-mapped file (GPT-2's tables and
// Conv1D weights, a Llama's embedding and lm_head) is a view of that file
// (WeightMatrix); the others are copies: BF16 and F16 widened once, and
// nn.Linear's (out, in) matrices transposed to (in, out).
struct ModelWeights {
    WeightMatrix tokenEmbedding;    // (vocab, d): wte / model.embed_tokens
    WeightMatrix positionEmbedding; // (n_positions, d): wpe; learned positions only
    std::vector<LayerWeights> layers;
    RowVector finalNormGain;        // (d): ln_f / model.norm
    RowVector finalNormBias;        // (d): LayerNorm only
    WeightMatrix classifier;        // (vocab, d): lm_head, only when not tied to the token embedding

    // The classifier the logits use: lm_head, or the token embedding when tied.
    const WeightMatrix& lmHead() const { return classifier.size() ? classifier : tokenEmbedding; }

    // Reports the bytes read as LoadOptions::onProgress asks (one report
    // before the first tensor, then after each tensor and each few MB of a
    // large one); its answer false stops the load with LoadCancelled.
    using ProgressCallback = std::function<bool(const LoadProgress&)>;
    // A tensor copied or widened is read in chunks of at most this many
    // stored bytes, each reported (a 1 GB BF16 matrix: 256 reports).
    static constexpr std::uint64_t kProgressChunkBytes = std::uint64_t(4) << 20;

    // Reads every tensor the config's table names; a missing tensor, a wrong
    // shape or dtype is a LoadError naming the file, the tensor and both shapes.
    static ModelWeights fromSafetensors(const SafetensorsFile& file, const ModelConfig& config);
    // The same with each entry read under nameOf(entry): a checkpoint naming
    // the table's tensors otherwise (Hugging Face's "transformer." prefix).
    static ModelWeights fromSafetensors(const SafetensorsFile& file, const ModelConfig& config,
                                        const std::function<std::string(const WeightEntry&)>& nameOf,
                                        const ProgressCallback& onProgress = {});

    // A tensor as a checkpoint stores it, read in place: its stored shape and
    // its float32 values, row-major (a view into a mapped file, say). When
    // `owner` keeps the values alive, a tensor the forward pass reads as
    // stored becomes a view of them; without one, every tensor is copied.
    struct StoredTensor {
        std::vector<std::int64_t> shape;
        std::span<const float> values;
        std::shared_ptr<const void> owner = {};
    };
    // Reads every tensor the config's table names through tensorOf(entry)
    // (which throws LoadError for one it lacks); a tensor of another shape is
    // a LoadError naming `source`, the tensor and both shapes.
    static ModelWeights fromStored(const ModelConfig& config, const std::string& source,
                                   const std::function<StoredTensor(const WeightEntry&)>& tensorOf,
                                   const ProgressCallback& onProgress = {});

    // GPT-2-style initialisation (normal with standard deviation `scale`, 0.02
    // in GPT-2; norm gains around 1), reproducible from the seed.
    static ModelWeights random(const ModelConfig& config, std::uint64_t seed, float scale = 0.02f);

    // Every tensor under its checkpoint name and stored shape.
    std::map<std::string, SafetensorsFile::FloatTensor> toTensors(const ModelConfig& config) const;
};

} // namespace kv
