#include "core/io/JsonKind.h"

#include "core/io/LoadError.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace kv {

namespace {

bool fitsInt(const nlohmann::json& value)
{
    if (value.is_number_unsigned())
        return value.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<int>::max());
    const std::int64_t number = value.get<std::int64_t>();
    return number >= std::numeric_limits<int>::min() && number <= std::numeric_limits<int>::max();
}

bool fitsFloat(const nlohmann::json& value)
{
    const double number = value.get<double>();
    return std::isfinite(number) && std::abs(number) <= static_cast<double>(std::numeric_limits<float>::max());
}

bool isKind(const nlohmann::json& value, JsonKind kind)
{
    switch (kind) {
    case JsonKind::Integer:
        return value.is_number_integer() && fitsInt(value);
    case JsonKind::Number:
        return value.is_number() && fitsFloat(value);
    case JsonKind::String:
        return value.is_string();
    case JsonKind::Boolean:
        return value.is_boolean();
    }
    return false;
}

// The value as written, cut short: enough to recognise it in the file.
std::string excerpt(const nlohmann::json& value)
{
    std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    constexpr std::size_t kMost = 40;
    return text.size() > kMost ? text.substr(0, kMost) + "..." : text;
}

} // namespace

std::string jsonKindName(JsonKind kind)
{
    switch (kind) {
    case JsonKind::Integer:
        return "an integer from " + std::to_string(std::numeric_limits<int>::min()) + " to "
            + std::to_string(std::numeric_limits<int>::max());
    case JsonKind::Number:
        return "a finite number that fits a float (magnitude at most 3.4e38)";
    case JsonKind::String:
        return "a string";
    case JsonKind::Boolean:
        return "true or false";
    }
    return "unknown";
}

std::string describeJsonValue(const nlohmann::json& value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::null:
        return "null";
    case nlohmann::json::value_t::boolean:
        return std::string("the boolean ") + (value.get<bool>() ? "true" : "false");
    case nlohmann::json::value_t::string:
        return "a string (" + excerpt(value) + ")";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
        return "the integer " + excerpt(value);
    case nlohmann::json::value_t::number_float:
        return "the number " + excerpt(value);
    case nlohmann::json::value_t::array:
        return "an array";
    case nlohmann::json::value_t::object:
        return "an object";
    default:
        return "a value of another kind";
    }
}

void requireKinds(const nlohmann::json& object, const std::map<std::string, JsonKind>& kinds,
                  const std::string& source)
{
    for (const auto& [key, kind] : kinds) {
        const auto found = object.find(key);
        if (found != object.end() && !isKind(*found, kind))
            throw LoadError(source, "field \"" + key + "\" must be " + jsonKindName(kind) + ", not "
                                        + describeJsonValue(*found));
    }
}

} // namespace kv
