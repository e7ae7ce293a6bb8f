#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kv {

// The tokens a tokenizer.json lists under added_tokens ("<|endoftext|>",
// "<s>", "<|im_start|>"): found in the text before anything else runs, so
// that they become one id each and the pre-tokenizer never sees them.
class AddedTokens {
public:
    struct Token {
        std::string content;
        int id = 0;
        bool special = false;
        bool leftStrip = false;  // absorbs the whitespace before it
        bool rightStrip = false; // absorbs the whitespace after it
        bool singleWord = false; // only between non-word characters
    };
    // A stretch of the text: an added token (id >= 0) or plain text (id -1).
    struct Segment {
        std::string_view text;
        std::size_t position = 0; // byte offset in the whole text
        int id = -1;
    };

    void add(Token token);
    // The text cut at every added token, leftmost first, longest among those
    // starting at the same byte.
    std::vector<Segment> split(std::string_view text) const;
    const Token* find(int id) const;
    const Token* find(std::string_view content) const;
    const std::vector<Token>& tokens() const { return m_tokens; }

private:
    struct Found {
        std::size_t begin = 0;
        std::size_t end = 0;
    };
    // The occurrence of token `index` at or after `from`, widened by its strips.
    Found next(std::size_t index, std::string_view text, std::size_t from) const;

    std::vector<Token> m_tokens;
};

} // namespace kv
