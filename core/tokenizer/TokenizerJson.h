#pragma once

#include "core/tokenizer/Tokenizer.h"

#include <memory>
#include <string>
#include <string_view>

namespace kv {

// Reads a Hugging Face tokenizer.json whose model is BPE: byte-level (a
// ByteLevel pre-tokenizer: GPT-2, SmolLM2, Qwen2) or SentencePiece-style
// ("▁" for spaces: TinyLlama, Llama 2). Anything it cannot run exactly (a
// WordPiece or Unigram model, an unknown normalizer or pre-tokenizer, BPE
// dropout) is a LoadError naming the file and the key, never a guess.
class TokenizerJson {
public:
    // `eosToken` names the end-of-sequence token (tokenizer_config.json's
    // eos_token); empty picks a usual one among the added tokens.
    static std::unique_ptr<Tokenizer> load(const std::string& path, const std::string& eosToken = {});
    // The same from the file's text; `file` names it in errors.
    static std::unique_ptr<Tokenizer> parse(std::string_view text, const std::string& file,
                                            const std::string& eosToken = {});
};

} // namespace kv
