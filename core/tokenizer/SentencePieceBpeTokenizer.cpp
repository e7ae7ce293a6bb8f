#include "core/tokenizer/SentencePieceBpeTokenizer.h"

#include "core/tokenizer/TokenizeError.h"
#include "core/tokenizer/Utf8.h"

#include <cstdio>

namespace kv {

namespace {

const std::string metaspace = "\xE2\x96\x81"; // ▁ LOWER ONE EIGHTH BLOCK

std::string byteTokenName(int byte)
{
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", byte);
    return name;
}

// The byte a "<0xXX>" piece stands for, or -1.
int byteOfToken(const std::string& piece)
{
    if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>')
        return -1;
    unsigned value = 0;
    for (std::size_t i = 3; i < 5; ++i) {
        const char c = piece[i];
        const int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (digit < 0)
            return -1;
        value = value * 16 + static_cast<unsigned>(digit);
    }
    return static_cast<int>(value);
}

std::string spaced(const std::string& piece)
{
    std::string text;
    for (std::size_t at = 0; at < piece.size();) {
        if (piece.compare(at, metaspace.size(), metaspace) == 0) {
            text += ' ';
            at += metaspace.size();
        } else {
            text += piece[at++];
        }
    }
    return text;
}

} // namespace

SentencePieceBpeTokenizer::SentencePieceBpeTokenizer(BpeModel model, Parts parts)
    : BpeTokenizer(std::move(model), std::move(parts))
{
    for (int byte = 0; byte < 256; ++byte)
        m_byteIds[static_cast<std::size_t>(byte)] = m_model.find(byteTokenName(byte)).value_or(-1);
    m_prepends = m_parts.normalizer.prepends() || m_parts.preTokenizer.prependsMetaspace();
    tabulate([](const std::string& piece) {
        const int byte = byteOfToken(piece);
        return byte >= 0 ? std::string(1, static_cast<char>(byte)) : spaced(piece);
    });
}

void SentencePieceBpeTokenizer::appendCharacter(std::string_view character, std::size_t position,
                                                std::vector<int>& symbols) const
{
    if (const std::optional<int> id = m_model.find(character)) {
        symbols.push_back(*id);
        return;
    }
    if (m_parts.byteFallback) {
        bool complete = true;
        for (const char byte : character)
            complete = complete && m_byteIds[static_cast<unsigned char>(byte)] >= 0;
        if (complete) {
            for (const char byte : character)
                symbols.push_back(m_byteIds[static_cast<unsigned char>(byte)]);
            return;
        }
    }
    if (!m_parts.unknownId)
        throw TokenizeError("the character \"" + std::string(character) +
                                "\" has no token, and the vocabulary has neither byte tokens nor an unknown token",
                            position);
    if (m_parts.fuseUnknown && !symbols.empty() && symbols.back() == *m_parts.unknownId)
        return;
    symbols.push_back(*m_parts.unknownId);
}

void SentencePieceBpeTokenizer::encodePlain(std::string_view text, std::size_t position, std::vector<int>& ids) const
{
    const std::string normalized = m_parts.normalizer.apply(text);
    std::vector<PreTokenizer::Piece> pieces;
    if (m_parts.preTokenizer.empty())
        pieces.push_back({normalized, position});
    else
        pieces = m_parts.preTokenizer.apply(normalized, position);
    std::vector<int> symbols;
    for (const PreTokenizer::Piece& piece : pieces) {
        if (m_parts.ignoreMerges)
            if (const std::optional<int> whole = m_model.find(piece.text)) {
                ids.push_back(*whole);
                continue;
            }
        symbols.clear();
        for (std::size_t at = 0; at < piece.text.size();) {
            const std::size_t length = std::max<std::size_t>(1, Utf8::charLength(piece.text, at));
            appendCharacter(std::string_view(piece.text).substr(at, length), piece.position, symbols);
            at += length;
        }
        const std::vector<int> merged = m_model.merge(symbols);
        ids.insert(ids.end(), merged.begin(), merged.end());
    }
}

std::string SentencePieceBpeTokenizer::finishDecoding(std::string text) const
{
    if (m_prepends && !text.empty() && text.front() == ' ')
        text.erase(0, 1);
    return text;
}

} // namespace kv
