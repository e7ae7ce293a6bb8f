#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>

namespace kv {

// What a JSON value must be for the project to read it. Integer is a JSON
// integer that fits an int; Number any finite number that fits a float.
enum class JsonKind { Integer, Number, String, Boolean };

std::string jsonKindName(JsonKind kind); // "an integer", "a number", ...

// Words for what `value` is, for messages: "a string (\"2\")", "null", "an array".
std::string describeJsonValue(const nlohmann::json& value);

// Throws LoadError(source, "field \"KEY\" must be KIND, not WHAT") for the first
// key of `object` present in `kinds` whose value is not of its kind. Keys not in
// `kinds` are left to the reader.
void requireKinds(const nlohmann::json& object, const std::map<std::string, JsonKind>& kinds,
                  const std::string& source);

} // namespace kv
