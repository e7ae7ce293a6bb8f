#pragma once

#include "core/model/ModelConfig.h"
#include "core/model/ModelWeights.h"

#include <cstdint>
#include <string>

namespace kv {

// Writes a model folder that ModelBundle::load reads back: config.json,
// model.safetensors and a copy of a vocabulary file as vocab.txt. Used to make
// test models of any GPT-2 shape with random weights.
class ModelFolderWriter {
public:
    // The spread of the attention scores a random model is initialised for:
    // a score q.k/sqrt(head_dim) has a standard deviation of about
    // n_embd * scale^2 (unit-variance LayerNorm outputs through N(0, scale)
    // projections), so GPT-2's 0.02 leaves attention almost uniform at d=768.
    static constexpr float kScoreSpread = 3.0f;

    // The default standard deviation of random weights for `nEmbd`: the scale
    // whose score spread is kScoreSpread (0.0625 at d=768, 0.25 at d=48).
    static float defaultScale(int nEmbd);

    // Writes `config` and `weights` into `directory` (created if missing) and
    // copies `vocabularyPath` to vocab.txt. config.vocabSize must equal the
    // vocabulary's word count. Throws LoadError naming the path or field at fault.
    static void write(const std::string& directory, const ModelConfig& config, const ModelWeights& weights,
                      const std::string& vocabularyPath, const std::string& description);

    // A GPT-2 model of `shape` with random weights from `seed`; vocab_size is
    // taken from the vocabulary and an empty name becomes the folder's name.
    // Returns the config written.
    static ModelConfig writeRandom(const std::string& directory, ModelConfig shape, const std::string& vocabularyPath,
                                   std::uint64_t seed, float scale);

    // Words in a vocabulary file (one per line), checked as the loader checks them.
    static int vocabularySize(const std::string& vocabularyPath, const std::string& eosToken);
};

} // namespace kv
