#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kv {

// GPT-2's bytes-to-unicode map: each of the 256 byte values stands for one
// printable character, so that a byte-level vocabulary is written in text.
// Printable Latin-1 bytes stand for themselves; the others (space, control
// bytes, ...) are shifted to U+0100 and up, which is why a space reads "Ġ".
class ByteLevelAlphabet {
public:
    ByteLevelAlphabet();

    // The UTF-8 text of the character standing for `byte`.
    const std::string& character(unsigned char byte) const { return m_characters[byte]; }
    // `bytes` spelled in the alphabet.
    std::string spell(std::string_view bytes) const;
    // The bytes a piece of the alphabet stands for; nullopt when a character
    // of `piece` is not in the alphabet.
    std::optional<std::string> bytes(std::string_view piece) const;

private:
    std::array<std::string, 256> m_characters;
    std::unordered_map<std::string, unsigned char> m_byteByCharacter;
};

} // namespace kv
