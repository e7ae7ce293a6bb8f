#pragma once

#include "core/util/KvError.h"

#include <cstddef>

namespace kv {

// Text a tokenizer cannot encode. `position()` is the byte offset in the
// text of the first piece at fault.
class TokenizeError : public KvError {
public:
    TokenizeError(const std::string& message, std::size_t position) : KvError(message), m_position(position) {}
    std::size_t position() const { return m_position; }

private:
    std::size_t m_position;
};

} // namespace kv
