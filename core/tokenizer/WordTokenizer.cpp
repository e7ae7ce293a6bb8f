#include "core/tokenizer/WordTokenizer.h"

#include "core/io/LoadError.h"
#include "core/tokenizer/UnknownWordError.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace kv {

namespace {

std::string lowercase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool isPunctuation(char c)
{
    return std::ispunct(static_cast<unsigned char>(c)) && c != '\'' && c != '-' && c != '[' && c != ']';
}

std::size_t editDistance(const std::string& a, const std::string& b)
{
    std::vector<std::size_t> previous(b.size() + 1);
    std::vector<std::size_t> current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

} // namespace

WordTokenizer::WordTokenizer(std::vector<std::string> vocabulary, const std::string& eosToken, const std::string& source)
    : m_vocabulary(std::move(vocabulary))
{
    for (std::size_t i = 0; i < m_vocabulary.size(); ++i) {
        const auto [it, inserted] = m_idByLowercase.emplace(lowercase(m_vocabulary[i]), static_cast<int>(i));
        if (!inserted)
            throw LoadError(source, "token \"" + m_vocabulary[i] + "\" appears twice (lines "
                                        + std::to_string(it->second + 1) + " and " + std::to_string(i + 1) + ")");
    }
    const auto eos = find(eosToken);
    if (!eos)
        throw LoadError(source, "the end-of-sequence token \"" + eosToken + "\" is not in the vocabulary");
    m_eosId = *eos;
}

WordTokenizer WordTokenizer::fromFile(const std::string& path, const std::string& eosToken)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw LoadError(path, "cannot open file");
    return fromStream(in, eosToken, path);
}

WordTokenizer WordTokenizer::fromText(const std::string& text, const std::string& eosToken, const std::string& source)
{
    std::istringstream in(text);
    return fromStream(in, eosToken, source);
}

WordTokenizer WordTokenizer::fromStream(std::istream& in, const std::string& eosToken, const std::string& source)
{
    std::vector<std::string> words;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            throw LoadError(source, "line " + std::to_string(words.size() + 1) + " is empty; every line must hold a token");
        words.push_back(line);
    }
    return WordTokenizer(std::move(words), eosToken, source);
}

std::vector<WordTokenizer::Piece> WordTokenizer::pieces(const std::string& text)
{
    std::vector<Piece> pieces;
    Piece current;
    auto flush = [&] {
        if (!current.text.empty())
            pieces.push_back(std::move(current));
        current = {};
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            flush();
        } else if (isPunctuation(c)) {
            flush();
            pieces.push_back({std::string(1, c), i});
        } else {
            if (current.text.empty())
                current.position = i;
            current.text.push_back(c);
        }
    }
    flush();
    return pieces;
}

std::optional<int> WordTokenizer::find(const std::string& word) const
{
    const auto found = m_idByLowercase.find(lowercase(word));
    if (found == m_idByLowercase.end())
        return std::nullopt;
    return found->second;
}

std::vector<int> WordTokenizer::encode(const std::string& text) const
{
    std::vector<int> ids;
    for (const Piece& piece : pieces(text)) {
        const auto id = find(piece.text);
        if (!id)
            throw UnknownWordError(piece.text, nearest(piece.text), piece.position);
        ids.push_back(*id);
    }
    return ids;
}

std::vector<std::string> WordTokenizer::nearest(const std::string& word, std::size_t count) const
{
    const std::string needle = lowercase(word);
    std::vector<std::pair<std::size_t, int>> ranked;
    for (std::size_t i = 0; i < m_vocabulary.size(); ++i)
        if (static_cast<int>(i) != m_eosId)
            ranked.emplace_back(editDistance(needle, lowercase(m_vocabulary[i])), static_cast<int>(i));
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> result;
    for (std::size_t i = 0; i < ranked.size() && i < count; ++i)
        result.push_back(m_vocabulary[static_cast<std::size_t>(ranked[i].second)]);
    return result;
}

std::string WordTokenizer::token(int id) const
{
    return m_vocabulary.at(static_cast<std::size_t>(id));
}

std::string WordTokenizer::decode(const std::vector<int>& ids) const
{
    std::string text;
    for (std::size_t i = 0; i < ids.size(); ++i)
        text += (i ? " " : "") + token(ids[i]);
    return text;
}

} // namespace kv
