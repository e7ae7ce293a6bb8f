#pragma once

#include <string>
#include <string_view>

namespace kv {

// How a token's bytes read on the token strip and in cells: the decoded
// text, with the whitespace that would otherwise vanish made visible
// (space "␣", newline "↵", tab "⇥") and bytes that are not a whole UTF-8
// character (half of "ï", say) written as <0xC3>.
struct TokenDisplay {
    static std::string readable(std::string_view bytes);
};

} // namespace kv
