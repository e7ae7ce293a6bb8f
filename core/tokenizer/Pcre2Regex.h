#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

struct pcre2_real_code_8;

namespace kv {

// A compiled PCRE2 pattern in UTF + UCP mode (\p{L}, \s and \w are Unicode
// classes), JIT-compiled when the library can. The tokenizer.json patterns
// need lookahead, \p{..} classes and (?i:...), which std::regex cannot run.
class Pcre2Regex {
public:
    struct Match {
        std::size_t begin = 0; // byte offsets into the searched text
        std::size_t end = 0;
    };

    // `literal` matches `pattern` as plain text. Throws LoadError naming
    // `file` and `key` when the pattern does not compile.
    Pcre2Regex(const std::string& pattern, bool literal, const std::string& file, const std::string& key);
    ~Pcre2Regex();
    Pcre2Regex(const Pcre2Regex&) = delete;
    Pcre2Regex& operator=(const Pcre2Regex&) = delete;

    // The non-empty, non-overlapping matches in `text` (valid UTF-8), left to
    // right. Throws TokenizeError when the pattern exhausts its match budget.
    std::vector<Match> findAll(std::string_view text) const;
    const std::string& pattern() const { return m_pattern; }

private:
    pcre2_real_code_8* m_code = nullptr;
    std::string m_pattern;
};

} // namespace kv
