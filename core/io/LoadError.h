#pragma once

#include "core/util/KvError.h"

#include <cstddef>
#include <string_view>

namespace kv {

// A model file that cannot be used: missing, truncated, malformed, or with
// tensors of the wrong name, dtype or shape. `file()` is the path at fault,
// `problem()` what is wrong with it, in words: a library's own error text
// (nlohmann's "[json.exception...]") never reaches it.
class LoadError : public KvError {
public:
    LoadError(std::string file, const std::string& problem)
        : KvError(file + ": " + problem), m_file(std::move(file)), m_problem(problem) {}
    const std::string& file() const { return m_file; }
    const std::string& problem() const { return m_problem; }

    // `text` failed to parse as JSON at 1-based `byte` (nlohmann's parse_error::byte):
    // says where, by line and column, and what was found there.
    static LoadError invalidJson(const std::string& file, std::string_view what, std::string_view text,
                                 std::size_t byte);

private:
    std::string m_file;
    std::string m_problem;
};

} // namespace kv
