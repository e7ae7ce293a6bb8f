#pragma once

#include "core/util/KvError.h"

namespace kv {

// A memory-calculator input that makes no sense: an unknown preset, GPU or
// dtype, a non-positive context or batch, KV heads that do not divide the
// query heads. The message names the value at fault and what would be valid.
class CalculatorError : public KvError {
public:
    using KvError::KvError;
};

} // namespace kv
