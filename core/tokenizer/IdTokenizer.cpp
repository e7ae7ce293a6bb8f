#include "core/tokenizer/IdTokenizer.h"

#include "core/tokenizer/TokenizeError.h"
#include "core/util/KvError.h"

#include <cctype>

namespace kv {

IdTokenizer::IdTokenizer(int size, int bosId, int eosId) : m_size(size), m_bosId(bosId), m_eosId(eosId)
{
    if (size <= 0 || bosId >= size || eosId >= size)
        throw KvError("an id-only vocabulary of " + std::to_string(size) + " tokens cannot have BOS "
                      + std::to_string(bosId) + " and EOS " + std::to_string(eosId));
}

std::optional<int> IdTokenizer::find(const std::string& piece) const
{
    if (piece.size() < 2 || piece.size() > 11 || piece[0] != '#')
        return std::nullopt;
    long long id = 0;
    for (std::size_t i = 1; i < piece.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(piece[i])))
            return std::nullopt;
        id = id * 10 + (piece[i] - '0');
    }
    if (id >= m_size)
        return std::nullopt;
    return static_cast<int>(id);
}

std::vector<int> IdTokenizer::encode(const std::string& text) const
{
    std::vector<int> ids;
    if (m_bosId >= 0)
        ids.push_back(m_bosId);
    for (std::size_t at = 0; at < text.size();) {
        if (std::isspace(static_cast<unsigned char>(text[at]))) {
            ++at;
            continue;
        }
        std::size_t end = at;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])))
            ++end;
        const std::string word = text.substr(at, end - at);
        const auto id = find(word);
        if (!id)
            throw TokenizeError("\"" + word + "\" is not a token id: this model has no tokenizer file, so a prompt "
                                    + "is written as ids #0 to #" + std::to_string(m_size - 1),
                                at);
        ids.push_back(*id);
        at = end;
    }
    return ids;
}

std::string IdTokenizer::token(int id) const
{
    if (id < 0 || id >= m_size)
        throw KvError("token id " + std::to_string(id) + " is outside the vocabulary of " + std::to_string(m_size) + " tokens");
    return "#" + std::to_string(id);
}

std::string IdTokenizer::decode(const std::vector<int>& ids) const
{
    std::string text;
    for (std::size_t i = 0; i < ids.size(); ++i)
        text += (i ? " " : "") + token(ids[i]);
    return text;
}

} // namespace kv
