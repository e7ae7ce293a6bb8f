#pragma once

#include "core/io/CheckpointFormat.h"

namespace kv {

// The project's own folder: config.json (ModelConfig's keys), the weights as
// model.safetensors or as model.safetensors.index.json with its shards, and a
// word-level vocab.txt.
class ModelFolderFormat : public CheckpointFormat {
public:
    std::string name() const override;
    std::string expected() const override;
    std::string mismatch(const std::string& path) const override;
    ModelBundle load(const std::string& path, const LoadOptions& options) const override;

    // The weights file of `folder`: model.safetensors, or else the sharded index.
    static std::string weightsPath(const std::string& folder);
};

} // namespace kv
