#pragma once

#include "core/tokenizer/Tokenizer.h"

#include <memory>
#include <string>

namespace kv {

// The tokenizer of a model folder, by the files it holds: tokenizer.json
// (Hugging Face; the end token from tokenizer_config.json when it names
// one), else vocab.json + merges.txt (GPT-2's older pair), else vocab.txt
// (the word-level vocabulary of the shipped models, its end token from
// config.json's eos_token). Throws LoadError naming the folder when it holds
// none of them, or the file at fault.
std::unique_ptr<Tokenizer> loadTokenizer(const std::string& folder);

} // namespace kv
