#pragma once

#include "core/io/Llama2cHeader.h"
#include "core/model/ModelConfig.h"
#include "core/tokenizer/Tokenizer.h"

#include <memory>
#include <string>

namespace kv {

// What a llama2.c .bin checkpoint means to the lab: a Llama-family config
// from its header (eps 1e-5, theta 10000, interleaved RoPE, as llama2.c's
// run.c computes) and the tokenizer that goes with it.
class Llama2cFormat {
public:
    // The file name "tokenizer.bin" looked for beside a checkpoint.
    static constexpr const char* kTokenizerFileName = "tokenizer.bin";

    // Throws LoadError naming `source` when the header's shape is not a valid model.
    static ModelConfig configFor(const Llama2cHeader& header, const std::string& name, const std::string& source);

    // The tokenizer for the checkpoint at `checkpointPath`: `tokenizerPath`
    // when given (one whose vocabulary size differs from `vocabSize` is a
    // LoadError naming both files and both sizes), else tokenizer.bin beside
    // the checkpoint when its size is `vocabSize` (llama2.c keeps the 32,000-
    // token one beside models of other vocabularies), else an IdTokenizer
    // (tokens shown as "#17").
    static std::shared_ptr<const Tokenizer> tokenizerFor(const std::string& checkpointPath,
                                                         const std::string& tokenizerPath, int vocabSize);
};

} // namespace kv
