#include "core/util/NameMatching.h"

#include <algorithm>
#include <cctype>

namespace kv {

namespace {

std::string normalized(const std::string& text)
{
    std::string result = text;
    std::transform(result.begin(), result.end(), result.begin(), [](unsigned char c) {
        return c == ' ' || c == '_' ? '-' : static_cast<char>(std::tolower(c));
    });
    return result;
}

} // namespace

bool sameName(const std::string& typed, const std::string& name)
{
    return normalized(typed) == normalized(name);
}

std::string joinNames(const std::vector<std::string>& names)
{
    std::string joined;
    for (const std::string& name : names)
        joined += (joined.empty() ? "" : ", ") + name;
    return joined;
}

} // namespace kv
