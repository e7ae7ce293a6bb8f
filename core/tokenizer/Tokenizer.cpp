#include "core/tokenizer/Tokenizer.h"

namespace kv {

std::vector<std::string> Tokenizer::nearest(const std::string&, std::size_t) const
{
    return {};
}

std::vector<std::string> Tokenizer::vocabulary() const
{
    std::vector<std::string> texts;
    texts.reserve(static_cast<std::size_t>(size()));
    for (int id = 0; id < size(); ++id)
        texts.push_back(token(id));
    return texts;
}

} // namespace kv
