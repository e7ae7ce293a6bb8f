#pragma once

#include "core/tokenizer/TokenizeError.h"

#include <vector>

namespace kv {

// A prompt word the vocabulary does not know, with the closest known words.
class UnknownWordError : public TokenizeError {
public:
    UnknownWordError(std::string word, std::vector<std::string> suggestions, std::size_t position);
    const std::string& word() const { return m_word; }
    const std::vector<std::string>& suggestions() const { return m_suggestions; }

private:
    std::string m_word;
    std::vector<std::string> m_suggestions;
};

} // namespace kv
