#pragma once

#include <filesystem>

namespace kv {

// True when `path` is a regular file; an unreadable path is simply not one.
bool isRegularFile(const std::filesystem::path& path);

// True when `folder` holds safetensors weights: model.safetensors, or the
// sharded form's model.safetensors.index.json.
bool holdsSafetensors(const std::filesystem::path& folder);

} // namespace kv
