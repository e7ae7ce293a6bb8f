#pragma once

#include "core/io/LoadOptions.h"
#include "core/io/ModelBundle.h"

#include <string>

namespace kv {

// One way a model is stored on disk (the project's folder, llama2c's .bin,
// a Hugging Face folder...). CheckpointFormats holds the list and picks the
// first format that supports a path.
class CheckpointFormat {
public:
    virtual ~CheckpointFormat() = default;

    // What users call it: "KV Cache Lab model folder".
    virtual std::string name() const = 0;
    // What a path must be for this format, for messages: "a folder holding ...".
    virtual std::string expected() const = 0;
    // Why `path` is not of this format in a few words ("vocab.txt is missing"),
    // or empty when it is. A cheap sniff (file names, a magic number): it never
    // parses the whole checkpoint and never throws.
    virtual std::string mismatch(const std::string& path) const = 0;
    bool supports(const std::string& path) const { return mismatch(path).empty(); }

    // True when the format reads a tokenizer file given apart from the
    // checkpoint (LoadOptions::tokenizerPath); the others bring their own.
    virtual bool takesTokenizerFile() const { return false; }

    // The model at `path`; throws LoadError naming the file at fault. Tensor
    // bytes read are reported to options.onProgress as they go; when it
    // answers false the load stops with LoadCancelled.
    virtual ModelBundle load(const std::string& path, const LoadOptions& options) const = 0;
};

} // namespace kv
