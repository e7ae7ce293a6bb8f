#include "core/tokenizer/ByteLevelAlphabet.h"

#include "core/tokenizer/Utf8.h"

namespace kv {

ByteLevelAlphabet::ByteLevelAlphabet()
{
    const auto standsForItself = [](int byte) {
        return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || (byte >= 0xAE && byte <= 0xFF);
    };
    char32_t shifted = 256;
    for (int byte = 0; byte < 256; ++byte) {
        const char32_t codePoint = standsForItself(byte) ? static_cast<char32_t>(byte) : shifted++;
        m_characters[static_cast<std::size_t>(byte)] = Utf8::encode(codePoint);
        m_byteByCharacter.emplace(m_characters[static_cast<std::size_t>(byte)], static_cast<unsigned char>(byte));
    }
}

std::string ByteLevelAlphabet::spell(std::string_view bytes) const
{
    std::string text;
    text.reserve(bytes.size() * 2);
    for (const char byte : bytes)
        text += m_characters[static_cast<unsigned char>(byte)];
    return text;
}

std::optional<std::string> ByteLevelAlphabet::bytes(std::string_view piece) const
{
    std::string out;
    for (std::size_t at = 0; at < piece.size();) {
        const std::size_t length = Utf8::charLength(piece, at);
        if (length == 0)
            return std::nullopt;
        const auto found = m_byteByCharacter.find(std::string(piece.substr(at, length)));
        if (found == m_byteByCharacter.end())
            return std::nullopt;
        out += static_cast<char>(found->second);
        at += length;
    }
    return out;
}

} // namespace kv
