#pragma once

#include "core/util/KvError.h"

namespace kvlab {

// The command line asked for something that makes no sense: an unknown
// option, a missing value, a number out of range. Every mode reports it as
// one line on stderr and exit code 2.
class UsageError : public kv::KvError {
public:
    using KvError::KvError;
};

} // namespace kvlab
