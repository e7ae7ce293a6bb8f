#pragma once

#include "core/io/CheckpointFormat.h"

namespace kv {

// A llama2.c .bin checkpoint (Llama2cCheckpoint: legacy version 0, or
// version 1 with the magic "ak42"; version 2 is refused in words) as a model
// of the Llama family (Llama2cFormat::configFor: interleaved RoPE, theta
// 10000, eps 1e-5). Its tokenizer is the file LoadOptions names, else
// tokenizer.bin beside the checkpoint, else token ids shown as "#17".
class Llama2cBinFormat : public CheckpointFormat {
public:
    std::string name() const override;
    std::string expected() const override;
    // A regular file that starts with "ak42", or a .bin file at least as long
    // as the legacy 28-byte header; the header itself is judged by load().
    std::string mismatch(const std::string& path) const override;
    bool takesTokenizerFile() const override { return true; }
    ModelBundle load(const std::string& path, const LoadOptions& options) const override;
};

} // namespace kv
