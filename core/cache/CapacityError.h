#pragma once

#include "core/util/KvError.h"

namespace kv {

// Writing past the end of the KV cache or past the model's last position.
class CapacityError : public KvError {
public:
    using KvError::KvError;
};

} // namespace kv
