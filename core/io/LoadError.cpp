#include "core/io/LoadError.h"

#include <algorithm>

namespace kv {

LoadError LoadError::invalidJson(const std::string& file, std::string_view what, std::string_view text,
                                 std::size_t byte)
{
    const std::size_t at = std::min(byte > 0 ? byte - 1 : 0, text.size());
    const std::string_view before = text.substr(0, at);
    const std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    const std::size_t lineStart = before.rfind('\n');
    const std::size_t column = at - (lineStart == std::string_view::npos ? 0 : lineStart + 1) + 1;
    const std::string where = "line " + std::to_string(line) + ", column " + std::to_string(column);
    std::string problem = std::string(what) + " is not valid JSON: ";
    if (at >= text.size() || text.find_first_not_of(" \t\r\n", at) == std::string_view::npos)
        problem += "it ends too early, at " + where + " (a truncated file?)";
    else if (static_cast<unsigned char>(text[at]) < 0x20 || static_cast<unsigned char>(text[at]) >= 0x7f)
        problem += "unexpected byte at " + where;
    else
        problem += "unexpected '" + std::string(1, text[at]) + "' at " + where;
    return LoadError(file, problem);
}

} // namespace kv
