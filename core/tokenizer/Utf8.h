#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kv {

// The few UTF-8 facts the tokenizers need: where a text stops being valid,
// how long a character is, and a lossy repair for decoded bytes.
struct Utf8 {
    // Byte offset of the first invalid sequence, or npos when `text` is valid UTF-8.
    static std::size_t firstInvalid(std::string_view text);
    // Length of the valid character starting at `text[at]`, or 0 when none starts there.
    static std::size_t charLength(std::string_view text, std::size_t at);
    // `bytes` with each byte that starts no valid character replaced by U+FFFD.
    static std::string repaired(std::string_view bytes);
    // The UTF-8 encoding of one code point (no surrogates, at most U+10FFFF).
    static std::string encode(char32_t codePoint);
};

} // namespace kv
