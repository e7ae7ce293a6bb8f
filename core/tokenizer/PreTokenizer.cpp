#include "core/tokenizer/PreTokenizer.h"

#include <algorithm>

namespace kv {

const char* PreTokenizer::gpt2Pattern()
{
    return R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
}

void PreTokenizer::addSplit(std::shared_ptr<const Pcre2Regex> pattern, Behavior behavior)
{
    Step step;
    step.kind = Kind::Split;
    step.pattern = std::move(pattern);
    step.behavior = behavior;
    m_steps.push_back(std::move(step));
}

void PreTokenizer::addByteLevel(bool addPrefixSpace, bool useRegex)
{
    static const auto gpt2 = std::make_shared<const Pcre2Regex>(gpt2Pattern(), false, "GPT-2", "pattern");
    Step step;
    step.kind = Kind::ByteLevel;
    step.addPrefixSpace = addPrefixSpace;
    if (useRegex)
        step.pattern = gpt2;
    m_steps.push_back(std::move(step));
}

void PreTokenizer::addDigits(bool individual)
{
    static const auto single = std::make_shared<const Pcre2Regex>(R"(\p{N})", false, "Digits", "pattern");
    static const auto runs = std::make_shared<const Pcre2Regex>(R"(\p{N}+)", false, "Digits", "pattern");
    addSplit(individual ? single : runs, Behavior::Isolated);
}

void PreTokenizer::addMetaspace(const std::string& replacement, Prepend prepend, bool split)
{
    Step step;
    step.kind = Kind::Metaspace;
    step.replacement = replacement;
    step.prepend = prepend;
    if (split && !replacement.empty())
        step.pattern = std::make_shared<const Pcre2Regex>(replacement, true, "Metaspace", "replacement");
    m_steps.push_back(std::move(step));
}

bool PreTokenizer::isByteLevel() const
{
    return std::any_of(m_steps.begin(), m_steps.end(), [](const Step& step) { return step.kind == Kind::ByteLevel; });
}

bool PreTokenizer::prependsMetaspace() const
{
    return std::any_of(m_steps.begin(), m_steps.end(),
                       [](const Step& step) { return step.kind == Kind::Metaspace && step.prepend != Prepend::Never; });
}

void PreTokenizer::split(const Piece& piece, const Pcre2Regex& pattern, Behavior behavior, std::vector<Piece>& out)
{
    const auto emit = [&](std::size_t begin, std::size_t end) {
        if (end > begin)
            out.push_back({piece.text.substr(begin, end - begin), piece.position + begin});
    };
    std::size_t at = 0; // start of the text not yet emitted
    for (const Pcre2Regex::Match& match : pattern.findAll(piece.text)) {
        switch (behavior) {
        case Behavior::Isolated:
            emit(at, match.begin);
            emit(match.begin, match.end);
            at = match.end;
            break;
        case Behavior::Removed:
            emit(at, match.begin);
            at = match.end;
            break;
        case Behavior::MergedWithPrevious:
            emit(at, match.end);
            at = match.end;
            break;
        case Behavior::MergedWithNext:
            emit(at, match.begin);
            at = match.begin;
            break;
        }
    }
    emit(at, piece.text.size());
}

void PreTokenizer::metaspace(const Step& step, Piece piece, std::vector<Piece>& out)
{
    std::string replaced;
    for (const char c : piece.text) {
        if (c == ' ')
            replaced += step.replacement;
        else
            replaced += c;
    }
    const bool wanted = step.prepend == Prepend::Always || (step.prepend == Prepend::First && piece.position == 0);
    if (wanted && replaced.compare(0, step.replacement.size(), step.replacement) != 0)
        replaced = step.replacement + replaced;
    piece.text = std::move(replaced);
    if (step.pattern)
        split(piece, *step.pattern, Behavior::MergedWithNext, out);
    else if (!piece.text.empty())
        out.push_back(std::move(piece));
}

std::vector<PreTokenizer::Piece> PreTokenizer::apply(std::string_view text, std::size_t position) const
{
    std::vector<Piece> pieces{{std::string(text), position}};
    for (const Step& step : m_steps) {
        std::vector<Piece> next;
        next.reserve(pieces.size());
        for (Piece& piece : pieces) {
            switch (step.kind) {
            case Kind::Split:
                split(piece, *step.pattern, step.behavior, next);
                break;
            case Kind::ByteLevel:
                if (step.addPrefixSpace && piece.text.compare(0, 1, " ") != 0)
                    piece.text.insert(0, " ");
                if (step.pattern)
                    split(piece, *step.pattern, Behavior::Isolated, next);
                else
                    next.push_back(std::move(piece));
                break;
            case Kind::Metaspace:
                metaspace(step, std::move(piece), next);
                break;
            }
        }
        pieces = std::move(next);
    }
    return pieces;
}

} // namespace kv
