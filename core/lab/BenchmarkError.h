#pragma once

#include "core/util/KvError.h"

namespace kv {

// A timed run that cannot start: an unknown shape, or a prompt and token
// count that are non-positive or do not fit the shape's context. The message
// names the numbers at fault.
class BenchmarkError : public KvError {
public:
    using KvError::KvError;
};

} // namespace kv
