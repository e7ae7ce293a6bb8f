#pragma once

#include "core/io/CheckpointFormat.h"

#include <memory>
#include <string>
#include <vector>

namespace kv {

// The checkpoint formats the app opens, in the order they are tried. A new
// format is one line in CheckpointFormats.cpp.
class CheckpointFormats {
public:
    static const std::vector<std::unique_ptr<const CheckpointFormat>>& all();

    // The first format that supports `path`; otherwise a LoadError saying, for
    // each format, what it expected and why `path` is not it.
    static const CheckpointFormat& find(const std::string& path);

    // find(path).load(path, options), behind the error boundary: whatever a
    // library throws (nlohmann, std::filesystem, bad_alloc or length_error on a
    // hostile size) leaves as a LoadError in words. A tokenizer file given for
    // a format that brings its own tokenizer is a LoadError naming both.
    static ModelBundle load(const std::string& path, const LoadOptions& options = {});
};

} // namespace kv
