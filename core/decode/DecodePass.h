#pragma once

#include "core/model/ForwardResult.h"

#include <vector>

namespace kv {

// What one pass of a DecodeSession did, returned by start() and next(): the
// forward pass's logits and multiply-adds, and what went in.
struct DecodePass : ForwardResult {
    std::vector<int> inputs;    // fed through the model this pass (uncached: the whole sequence)
    std::vector<int> positions; // their positions
    int firstNewInput = 0;      // inputs before this index were already processed by an earlier pass
    std::vector<int> keyTokens; // whose keys/values the attention read, in row order
};

} // namespace kv
