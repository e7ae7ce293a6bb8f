#pragma once

#include "core/io/CheckpointFormat.h"

namespace kv {

// A Hugging Face model folder (a snapshot of the hub cache): config.json with
// a model_type (HuggingFaceConfig translates it), model.safetensors or
// model.safetensors.index.json with its shards, and the tokenizer files
// loadTokenizer reads. Tensors keep HF's names: GPT-2's with or without the
// "transformer." prefix (attn.bias / attn.masked_bias buffers and a tied
// lm_head are not read), Llama's and Qwen2's model.* names. F32 matrices
// stored as the forward pass reads them are views of the mapped file
// (ModelWeights.h); BF16 and F16 are widened once, 4 MiB at a time, each
// piece reported to LoadOptions::onProgress.
class HuggingFaceFolderFormat : public CheckpointFormat {
public:
    std::string name() const override;
    std::string expected() const override;
    std::string mismatch(const std::string& path) const override;
    ModelBundle load(const std::string& path, const LoadOptions& options) const override;
};

} // namespace kv
