#include "core/tokenizer/AddedTokens.h"

#include <algorithm>
#include <cctype>

namespace kv {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool isWordByte(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x80 || std::isalnum(byte) || c == '_';
}

} // namespace

void AddedTokens::add(Token token)
{
    if (token.content.empty())
        return; // an empty token would match everywhere; Hugging Face ignores it too
    const auto same = std::find_if(m_tokens.begin(), m_tokens.end(),
                                   [&](const Token& known) { return known.content == token.content; });
    if (same != m_tokens.end())
        *same = std::move(token);
    else
        m_tokens.push_back(std::move(token));
}

AddedTokens::Found AddedTokens::next(std::size_t index, std::string_view text, std::size_t from) const
{
    const Token& token = m_tokens[index];
    for (std::size_t at = text.find(token.content, from); at != std::string_view::npos;
         at = text.find(token.content, at + 1)) {
        std::size_t begin = at;
        std::size_t end = at + token.content.size();
        if (token.singleWord && ((begin > 0 && isWordByte(text[begin - 1])) || (end < text.size() && isWordByte(text[end]))))
            continue;
        if (token.leftStrip)
            while (begin > from && isSpace(text[begin - 1]))
                --begin;
        if (token.rightStrip)
            while (end < text.size() && isSpace(text[end]))
                ++end;
        return {begin, end};
    }
    return {std::string_view::npos, std::string_view::npos};
}

std::vector<AddedTokens::Segment> AddedTokens::split(std::string_view text) const
{
    std::vector<Segment> segments;
    std::vector<Found> upcoming(m_tokens.size());
    for (std::size_t i = 0; i < m_tokens.size(); ++i)
        upcoming[i] = next(i, text, 0);
    std::size_t at = 0;
    while (true) {
        // The earliest occurrence; the longest token among equals.
        std::size_t best = m_tokens.size();
        for (std::size_t i = 0; i < m_tokens.size(); ++i) {
            if (upcoming[i].begin < at)
                upcoming[i] = next(i, text, at);
            if (upcoming[i].begin == std::string_view::npos)
                continue;
            if (best == m_tokens.size() || upcoming[i].begin < upcoming[best].begin ||
                (upcoming[i].begin == upcoming[best].begin && upcoming[i].end > upcoming[best].end))
                best = i;
        }
        if (best == m_tokens.size())
            break;
        const Found found = upcoming[best];
        if (found.begin > at)
            segments.push_back({text.substr(at, found.begin - at), at, -1});
        segments.push_back({text.substr(found.begin, found.end - found.begin), found.begin, m_tokens[best].id});
        at = found.end;
    }
    if (at < text.size())
        segments.push_back({text.substr(at), at, -1});
    return segments;
}

const AddedTokens::Token* AddedTokens::find(int id) const
{
    const auto found = std::find_if(m_tokens.begin(), m_tokens.end(), [&](const Token& token) { return token.id == id; });
    return found == m_tokens.end() ? nullptr : &*found;
}

const AddedTokens::Token* AddedTokens::find(std::string_view content) const
{
    const auto found =
        std::find_if(m_tokens.begin(), m_tokens.end(), [&](const Token& token) { return token.content == content; });
    return found == m_tokens.end() ? nullptr : &*found;
}

} // namespace kv
