#pragma once

#include "core/tensor/Tensor.h"

namespace kv {

// What one attention head computed in one forward pass. Rows of keys/values
// are the tokens the attention read, in cache order; rows of queries are the
// tokens computed in this pass.
struct HeadRecord {
    int layer = 0;
    int head = 0;
    int kvHead = 0;       // the K/V head this query head reads (GQA shares them)
    int appendedFrom = 0; // first key/value row produced by this pass; rows before it came from the cache
    Matrix queries;       // (new tokens, head_dim)
    Matrix keys;          // (keys read, head_dim)
    Matrix values;        // (keys read, head_dim)
    Matrix scores;        // (new tokens, keys read): q.k/sqrt(head_dim), -infinity where masked
    Matrix weights;       // (new tokens, keys read): softmax of each score row
    Matrix output;        // (new tokens, head_dim): weights . values
};

} // namespace kv
