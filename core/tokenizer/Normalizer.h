#pragma once

#include "core/tokenizer/Pcre2Regex.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kv {

// The text edits a tokenizer.json normalizer makes before pre-tokenization,
// in order. SentencePiece-style files use Replace " " -> "▁" and Prepend "▁".
class Normalizer {
public:
    // Every match of `pattern` becomes `content`.
    void addReplace(std::shared_ptr<const Pcre2Regex> pattern, std::string content);
    // `text` goes in front of any non-empty text.
    void addPrepend(std::string text);
    std::string apply(std::string_view text) const;
    bool prepends() const;

private:
    struct Step {
        std::shared_ptr<const Pcre2Regex> pattern; // null for Prepend
        std::string content;
    };
    std::vector<Step> m_steps;
};

} // namespace kv
