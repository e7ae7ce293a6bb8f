#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/tokenizer/Pcre2Regex.h"

#include "core/io/LoadError.h"
#include "core/tokenizer/TokenizeError.h"
#include "core/tokenizer/Utf8.h"

#include <pcre2.h>

#include <memory>

namespace kv {

namespace {

// A hostile pattern (nested quantifiers) stops with an error instead of
// backtracking for hours; real tokenizer patterns stay far below these.
constexpr std::uint32_t matchLimit = 10'000'000;
constexpr std::uint32_t depthLimit = 100'000;
constexpr std::size_t jitStackStart = 32 * 1024;
constexpr std::size_t jitStackMax = 8 * 1024 * 1024;

std::string errorText(int code)
{
    PCRE2_UCHAR buffer[256];
    pcre2_get_error_message(code, buffer, sizeof buffer);
    return reinterpret_cast<const char*>(buffer);
}

struct MatchResources {
    pcre2_match_data* data = nullptr;
    pcre2_match_context* context = nullptr;
    pcre2_jit_stack* stack = nullptr;
    ~MatchResources()
    {
        pcre2_jit_stack_free(stack);
        pcre2_match_context_free(context);
        pcre2_match_data_free(data);
    }
};

} // namespace

Pcre2Regex::Pcre2Regex(const std::string& pattern, bool literal, const std::string& file, const std::string& key)
    : m_pattern(pattern)
{
    int error = 0;
    PCRE2_SIZE errorOffset = 0;
    const std::uint32_t options = PCRE2_UTF | (literal ? PCRE2_LITERAL : PCRE2_UCP); // LITERAL refuses UCP
    m_code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &error,
                           &errorOffset, nullptr);
    if (!m_code)
        throw LoadError(file, key + ": the pattern does not compile at character " + std::to_string(errorOffset) +
                                  " (" + errorText(error) + ")");
    pcre2_jit_compile(m_code, PCRE2_JIT_COMPLETE); // the interpreter runs the pattern when JIT is unavailable
}

Pcre2Regex::~Pcre2Regex()
{
    pcre2_code_free(m_code);
}

std::vector<Pcre2Regex::Match> Pcre2Regex::findAll(std::string_view text) const
{
    MatchResources resources;
    resources.data = pcre2_match_data_create_from_pattern(m_code, nullptr);
    resources.context = pcre2_match_context_create(nullptr);
    resources.stack = pcre2_jit_stack_create(jitStackStart, jitStackMax, nullptr);
    if (!resources.data || !resources.context || !resources.stack)
        throw std::bad_alloc();
    pcre2_set_match_limit(resources.context, matchLimit);
    pcre2_set_depth_limit(resources.context, depthLimit);
    pcre2_jit_stack_assign(resources.context, nullptr, resources.stack);

    std::vector<Match> matches;
    const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    std::size_t at = 0;
    while (at < text.size()) {
        const int result = pcre2_match(m_code, subject, text.size(), at, PCRE2_NO_UTF_CHECK, resources.data,
                                       resources.context);
        if (result == PCRE2_ERROR_NOMATCH)
            break;
        if (result < 0)
            throw TokenizeError("the pre-tokenizer pattern " + m_pattern + " failed at byte " + std::to_string(at) +
                                    ": " + errorText(result),
                                at);
        const PCRE2_SIZE* span = pcre2_get_ovector_pointer(resources.data);
        if (span[1] > span[0]) {
            matches.push_back({span[0], span[1]});
            at = span[1];
        } else {
            // An empty match: step over one character and look again.
            if (span[0] >= text.size())
                break;
            const std::size_t length = Utf8::charLength(text, span[0]);
            at = span[0] + (length ? length : 1);
        }
    }
    return matches;
}

} // namespace kv
