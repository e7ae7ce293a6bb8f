#pragma once

#include "core/io/LoadOptions.h"
#include "core/tokenizer/Tokenizer.h"
#include "core/model/Transformer.h"

#include <memory>
#include <string>

namespace kv {

// A model loaded: its transformer and its tokenizer.
struct ModelBundle {
    std::string directory; // the path it was loaded from: a folder, or a file
    std::shared_ptr<const Transformer> model;
    std::shared_ptr<const Tokenizer> tokenizer;

    const ModelConfig& config() const { return model->config(); }

    // The model at `path` in whichever checkpoint format supports it
    // (CheckpointFormats), with `options` (a separate tokenizer file). Throws
    // LoadError naming the file at fault.
    static ModelBundle load(const std::string& path, const LoadOptions& options = {});
};

} // namespace kv
