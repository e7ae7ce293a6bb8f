#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace kv {

// Word-level tokenizer over a fixed vocabulary (one token per line of
// vocab.txt). Lookup ignores case; decoding shows the vocabulary's spelling.
// Punctuation is split off into tokens of its own.
class Tokenizer {
public:
    Tokenizer(std::vector<std::string> vocabulary, const std::string& eosToken, const std::string& source = "vocabulary");
    static Tokenizer fromFile(const std::string& path, const std::string& eosToken);

    // Splits text into words and punctuation marks; "[EOS]" stays one piece.
    static std::vector<std::string> split(const std::string& text);

    // Throws UnknownWordError for the first word not in the vocabulary.
    std::vector<int> encode(const std::string& text) const;
    std::optional<int> find(const std::string& word) const;
    // Up to `count` known words closest to `word` by edit distance.
    std::vector<std::string> nearest(const std::string& word, std::size_t count = 3) const;

    const std::string& token(int id) const;
    std::string decode(const std::vector<int>& ids) const;

    int eosId() const { return m_eosId; }
    int size() const { return static_cast<int>(m_vocabulary.size()); }
    const std::vector<std::string>& vocabulary() const { return m_vocabulary; }

private:
    std::vector<std::string> m_vocabulary;
    std::unordered_map<std::string, int> m_idByLowercase;
    int m_eosId = -1;
};

} // namespace kv
