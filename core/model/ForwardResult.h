#pragma once

#include "core/model/MacCounts.h"
#include "core/tensor/Tensor.h"

namespace kv {

struct ForwardResult {
    RowVector logits; // (vocab) for the last token of the pass only
    MacCounts macs;   // multiply-adds this pass actually performed
};

} // namespace kv
