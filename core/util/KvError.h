#pragma once

#include <stdexcept>
#include <string>

namespace kv {

// Base of every error the core throws. The message always names the culprit:
// the file, tensor, token or shape at fault.
class KvError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace kv
