#include "core/tokenizer/TokenDisplay.h"

#include "core/tokenizer/Utf8.h"

#include <cstdio>

namespace kv {

namespace {

std::string hexByte(unsigned char byte)
{
    char text[8];
    std::snprintf(text, sizeof text, "<0x%02X>", byte);
    return text;
}

} // namespace

std::string TokenDisplay::readable(std::string_view bytes)
{
    std::string text;
    for (std::size_t at = 0; at < bytes.size();) {
        const std::size_t length = Utf8::charLength(bytes, at);
        const auto byte = static_cast<unsigned char>(bytes[at]);
        if (length == 0 || (length == 1 && (byte < 0x20 || byte == 0x7F) && byte != '\n' && byte != '\t')) {
            text += hexByte(byte);
            ++at;
            continue;
        }
        if (byte == ' ')
            text += "\xE2\x90\xA3"; // ␣ OPEN BOX
        else if (byte == '\n')
            text += "\xE2\x86\xB5"; // ↵
        else if (byte == '\t')
            text += "\xE2\x87\xA5"; // ⇥
        else
            text.append(bytes.substr(at, length));
        at += length;
    }
    return text;
}

} // namespace kv
