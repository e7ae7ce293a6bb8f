#pragma once

#include <string>

namespace kv {

// What the user asked of a load beyond the path: today, a tokenizer file kept
// apart from the checkpoint (llama2.c's tokenizer.bin, given by --tokenizer).
// Formats that bring their own tokenizer refuse one (CheckpointFormats::load).
struct LoadOptions {
    std::string tokenizerPath; // empty: the format's own rule
};

} // namespace kv
