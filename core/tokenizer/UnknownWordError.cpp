#include "core/tokenizer/UnknownWordError.h"

namespace kv {

UnknownWordError::UnknownWordError(std::string word, std::vector<std::string> suggestions, std::size_t position)
    : TokenizeError([&] {
        std::string message = "unknown word \"" + word + "\": it is not in the model's vocabulary";
        if (!suggestions.empty()) {
            message += "; nearest known words: ";
            for (std::size_t i = 0; i < suggestions.size(); ++i)
                message += (i ? ", " : "") + suggestions[i];
        }
        return message;
    }(), position)
    , m_word(std::move(word))
    , m_suggestions(std::move(suggestions))
{
}

} // namespace kv
