#pragma once

#include "core/lab/CalculatorError.h"

#include <optional>
#include <string>
#include <vector>

namespace kv {

// Name lookups forgiving of how people type them: "llama_3 70B" matches
// "Llama-3-70B" (case ignored; spaces and underscores read as hyphens).
bool sameName(const std::string& typed, const std::string& name);

// "a, b, c": the known names an error message offers instead.
std::string joinNames(const std::vector<std::string>& names);

// Lookups in a list of items with a `name` member (presets, GPUs).
template <typename Item>
std::vector<std::string> namesOf(const std::vector<Item>& items)
{
    std::vector<std::string> names;
    for (const Item& item : items)
        names.push_back(item.name);
    return names;
}

template <typename Item>
std::optional<Item> findByName(const std::vector<Item>& items, const std::string& name)
{
    for (const Item& item : items)
        if (sameName(name, item.name))
            return item;
    return std::nullopt;
}

// As findByName, but throws CalculatorError: `unknown <what> "x"; known <what>s: a, b`.
template <typename Item>
Item getByName(const std::vector<Item>& items, const std::string& name, const std::string& what)
{
    if (auto item = findByName(items, name))
        return *item;
    throw CalculatorError("unknown " + what + " \"" + name + "\"; known " + what + "s: " + joinNames(namesOf(items)));
}

} // namespace kv
