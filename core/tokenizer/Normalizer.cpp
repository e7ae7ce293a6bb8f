#include "core/tokenizer/Normalizer.h"

#include <algorithm>

namespace kv {

void Normalizer::addReplace(std::shared_ptr<const Pcre2Regex> pattern, std::string content)
{
    m_steps.push_back({std::move(pattern), std::move(content)});
}

void Normalizer::addPrepend(std::string text)
{
    m_steps.push_back({nullptr, std::move(text)});
}

bool Normalizer::prepends() const
{
    return std::any_of(m_steps.begin(), m_steps.end(), [](const Step& step) { return !step.pattern; });
}

std::string Normalizer::apply(std::string_view text) const
{
    std::string current(text);
    for (const Step& step : m_steps) {
        if (!step.pattern) {
            if (!current.empty())
                current = step.content + current;
            continue;
        }
        std::string replaced;
        std::size_t at = 0;
        for (const Pcre2Regex::Match& match : step.pattern->findAll(current)) {
            replaced.append(current, at, match.begin - at);
            replaced += step.content;
            at = match.end;
        }
        replaced.append(current, at, std::string::npos);
        current = std::move(replaced);
    }
    return current;
}

} // namespace kv
