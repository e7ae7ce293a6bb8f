#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kv {

// Text to token ids and back: what the decode loop and the views need of any
// tokenizer (word-level, byte-level BPE, SentencePiece). Implementations are
// chosen by the checkpoint format that loads them.
class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // Throws a TokenizeError naming the position in `text` that cannot be encoded.
    // Prepends the beginning-of-sequence token where the model expects one.
    virtual std::vector<int> encode(const std::string& text) const = 0;
    // The text the ids stand for, by the format's own rules (spaces, raw bytes).
    virtual std::string decode(const std::vector<int>& ids) const = 0;
    // One token as a reader should see it in a cell or on the token strip.
    virtual std::string token(int id) const = 0;

    virtual int size() const = 0;
    // -1 when the vocabulary has no such token.
    virtual int eosId() const = 0;
    virtual int bosId() const { return -1; }

    // Word-level vocabularies can refuse a word. These let the prompt editor
    // mark it and offer the known words; open vocabularies encode any text.
    virtual bool encodesAnyText() const = 0;
    virtual std::optional<int> find(const std::string& piece) const = 0;
    virtual std::vector<std::string> nearest(const std::string& word, std::size_t count = 3) const;
    // Every token's text, in id order.
    virtual std::vector<std::string> vocabulary() const;
};

} // namespace kv
