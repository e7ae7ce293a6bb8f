#pragma once

#include "core/tokenizer/Tokenizer.h"
#include "core/model/Transformer.h"

#include <memory>
#include <string>

namespace kv {

// A model directory loaded: config.json, model.safetensors and vocab.txt.
struct ModelBundle {
    std::string directory;
    std::shared_ptr<const Transformer> model;
    std::shared_ptr<const Tokenizer> tokenizer;

    const ModelConfig& config() const { return model->config(); }

    // Throws LoadError naming the file at fault.
    static ModelBundle load(const std::string& directory);
};

} // namespace kv
