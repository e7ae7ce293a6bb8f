#include "core/tokenizer/BpeTokenizer.h"

#include "core/tokenizer/TokenDisplay.h"
#include "core/tokenizer/TokenizeError.h"
#include "core/tokenizer/Utf8.h"

namespace kv {

BpeTokenizer::BpeTokenizer(BpeModel model, Parts parts) : m_model(std::move(model)), m_parts(std::move(parts)) {}

std::vector<int> BpeTokenizer::encode(const std::string& text) const
{
    const std::size_t invalid = Utf8::firstInvalid(text);
    if (invalid != std::string::npos)
        throw TokenizeError("the text is not valid UTF-8 at byte " + std::to_string(invalid), invalid);
    std::vector<int> ids = m_parts.prefix;
    ids.reserve(text.size() / 3 + m_parts.prefix.size() + m_parts.suffix.size());
    for (const AddedTokens::Segment& segment : m_parts.addedTokens.split(text)) {
        if (segment.id >= 0)
            ids.push_back(segment.id);
        else
            encodePlain(segment.text, segment.position, ids);
    }
    ids.insert(ids.end(), m_parts.suffix.begin(), m_parts.suffix.end());
    return ids;
}

std::string BpeTokenizer::decode(const std::vector<int>& ids) const
{
    std::string bytes;
    for (const int id : ids) {
        if (id < 0 || id >= size())
            throw TokenizeError("token id " + std::to_string(id) + " is outside the vocabulary of " +
                                    std::to_string(size()) + " tokens",
                                0);
        bytes += m_bytes[static_cast<std::size_t>(id)];
    }
    return finishDecoding(Utf8::repaired(bytes));
}

std::string BpeTokenizer::token(int id) const
{
    if (id < 0 || id >= size())
        throw TokenizeError("token id " + std::to_string(id) + " is outside the vocabulary of " +
                                std::to_string(size()) + " tokens",
                            0);
    if (m_added[static_cast<std::size_t>(id)])
        return m_bytes[static_cast<std::size_t>(id)];
    return TokenDisplay::readable(m_bytes[static_cast<std::size_t>(id)]);
}

std::optional<int> BpeTokenizer::find(const std::string& piece) const
{
    if (const AddedTokens::Token* added = m_parts.addedTokens.find(std::string_view(piece)))
        return added->id;
    return m_model.find(piece);
}

} // namespace kv
