#pragma once

#include "core/model/LayerWeights.h"
#include "core/model/ModelConfig.h"
#include "core/io/SafetensorsFile.h"

#include <cstdint>
#include <map>
#include <vector>

namespace kv {

// All parameters of a GPT-2 model, named as in GPT-2 checkpoints
// (wte.weight, h.0.attn.c_attn.weight, ...). The LM head is tied to wte.
struct ModelWeights {
    Matrix tokenEmbedding;    // wte (vocab, d)
    Matrix positionEmbedding; // wpe (n_positions, d)
    std::vector<LayerWeights> layers;
    RowVector lnfGain;        // (d)
    RowVector lnfBias;        // (d)

    // Reads every tensor the config needs; a missing tensor, a wrong shape or
    // dtype is a LoadError naming the file, the tensor and both shapes.
    static ModelWeights fromSafetensors(const SafetensorsFile& file, const ModelConfig& config);

    // GPT-2-style initialisation (normal with standard deviation `scale`, 0.02
    // in GPT-2; LayerNorm gains around 1), reproducible from the seed.
    static ModelWeights random(const ModelConfig& config, std::uint64_t seed, float scale = 0.02f);

    std::map<std::string, SafetensorsFile::FloatTensor> toTensors(const ModelConfig& config) const;
};

} // namespace kv
