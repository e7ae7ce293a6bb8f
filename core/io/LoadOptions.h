#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace kv {

// How far a load has come: bytes of tensor data read or converted so far, of
// the total the checkpoint holds. A format calls it as it goes (at least once
// per tensor, and within every few megabytes of a large one).
struct LoadProgress {
    std::uint64_t bytesDone = 0;
    std::uint64_t bytesTotal = 0;
};

// What the user asked of a load beyond the path.
struct LoadOptions {
    // A tokenizer file kept apart from the checkpoint (llama2.c's tokenizer.bin,
    // given by --tokenizer). Formats that bring their own tokenizer refuse one
    // (CheckpointFormats::load). Empty: the format's own rule.
    std::string tokenizerPath;
    // Called from the loading thread. Returning false cancels the load: the
    // format stops and throws LoadCancelled. Empty: no report, no cancel.
    std::function<bool(const LoadProgress&)> onProgress = {};
};

} // namespace kv
