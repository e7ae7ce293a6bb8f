#pragma once

#include "core/io/SafetensorsFile.h"
#include "core/model/LayerWeights.h"
#include "core/model/ModelConfig.h"
#include "core/model/WeightTable.h"

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace kv {

// All parameters of a model, in memory. Which tensors exist, their checkpoint
// names and shapes come from the family's weight table (WeightTable.h); a
// tensor the family does not have stays empty.
struct ModelWeights {
    Matrix tokenEmbedding;    // (vocab, d): wte / model.embed_tokens
    Matrix positionEmbedding; // (n_positions, d): wpe; learned positions only
    std::vector<LayerWeights> layers;
    RowVector finalNormGain;  // (d): ln_f / model.norm
    RowVector finalNormBias;  // (d): LayerNorm only
    Matrix classifier;        // (vocab, d): lm_head, only when not tied to the token embedding

    // The classifier the logits use: lm_head, or the token embedding when tied.
    const Matrix& lmHead() const { return classifier.size() ? classifier : tokenEmbedding; }

    // Reads every tensor the config's table names; a missing tensor, a wrong
    // shape or dtype is a LoadError naming the file, the tensor and both shapes.
    static ModelWeights fromSafetensors(const SafetensorsFile& file, const ModelConfig& config);
    // The same with each entry read under nameOf(entry): a checkpoint naming
    // the table's tensors otherwise (Hugging Face's "transformer." prefix).
    static ModelWeights fromSafetensors(const SafetensorsFile& file, const ModelConfig& config,
                                        const std::function<std::string(const WeightEntry&)>& nameOf);

    // A tensor as a checkpoint stores it, read in place: its stored shape and
    // its values, row-major (a view into a mapped file, say).
    struct StoredTensor {
        std::vector<std::int64_t> shape;
        std::span<const float> values;
    };
    // Reads every tensor the config's table names through tensorOf(entry)
    // (which throws LoadError for one it lacks); a tensor of another shape is
    // a LoadError naming `source`, the tensor and both shapes.
    static ModelWeights fromStored(const ModelConfig& config, const std::string& source,
                                   const std::function<StoredTensor(const WeightEntry&)>& tensorOf);

    // GPT-2-style initialisation (normal with standard deviation `scale`, 0.02
    // in GPT-2; norm gains around 1), reproducible from the seed.
    static ModelWeights random(const ModelConfig& config, std::uint64_t seed, float scale = 0.02f);

    // Every tensor under its checkpoint name and stored shape.
    std::map<std::string, SafetensorsFile::FloatTensor> toTensors(const ModelConfig& config) const;
};

} // namespace kv
