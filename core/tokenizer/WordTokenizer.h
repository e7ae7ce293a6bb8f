#pragma once

#include "core/tokenizer/Tokenizer.h"

#include <iosfwd>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace kv {

// Word-level tokenizer over a fixed vocabulary (one token per line of
// vocab.txt). Lookup ignores case; decoding shows the vocabulary's spelling.
// Punctuation is split off into tokens of its own.
class WordTokenizer : public Tokenizer {
public:
    WordTokenizer(std::vector<std::string> vocabulary, const std::string& eosToken, const std::string& source = "vocabulary");
    static WordTokenizer fromFile(const std::string& path, const std::string& eosToken);
    // The bytes of a vocab.txt: one token a line; `source` names it in errors.
    static WordTokenizer fromText(const std::string& text, const std::string& eosToken, const std::string& source);


    // Throws UnknownWordError for the first word not in the vocabulary.
    std::vector<int> encode(const std::string& text) const override;
    std::optional<int> find(const std::string& word) const override;
    // Up to `count` known words closest to `word` by edit distance.
    std::vector<std::string> nearest(const std::string& word, std::size_t count = 3) const override;

    std::string token(int id) const override;
    std::string decode(const std::vector<int>& ids) const override;

    int eosId() const override { return m_eosId; }
    int size() const override { return static_cast<int>(m_vocabulary.size()); }
    bool encodesAnyText() const override { return false; }
    std::vector<std::string> vocabulary() const override { return m_vocabulary; }

private:
    static WordTokenizer fromStream(std::istream& in, const std::string& eosToken, const std::string& source);
    struct Piece {
        std::string text;
        std::size_t position = 0; // byte offset in the text
    };
    // Words and punctuation marks; "[EOS]" stays one piece.
    static std::vector<Piece> pieces(const std::string& text);

    std::vector<std::string> m_vocabulary;
    std::unordered_map<std::string, int> m_idByLowercase;
    int m_eosId = -1;
};

} // namespace kv
