#pragma once

#include "app/cli/UsageError.h"

#include <QCommandLineParser>
#include <QString>

#include <optional>

namespace kvlab {

// Helpers every command-line mode shares, so that they read numbers and write
// their help the same way.
namespace CommandLine {

// The name the program was started as ("kvcache-lab"), for usage lines.
QString programName();

// The parser's help with its first line replaced by "Usage: <usage>" (the
// parser would print the full path, or "<executable_name>" before an
// application object exists).
QString helpText(const QCommandLineParser& parser, const QString& usage);

// The whole of `text` as a Number, or nothing.
template <typename Number>
std::optional<Number> toNumber(const QString& text);
template <> std::optional<int> toNumber<int>(const QString& text);
template <> std::optional<qlonglong> toNumber<qlonglong>(const QString& text);
template <> std::optional<qulonglong> toNumber<qulonglong>(const QString& text);
template <> std::optional<float> toNumber<float>(const QString& text);
template <> std::optional<double> toNumber<double>(const QString& text);

// The value of option `name` as a Number satisfying `valid`; otherwise a
// UsageError "--name must be <rule>, got "<text>"".
template <typename Number, typename Valid>
Number number(const QCommandLineParser& parser, const QString& name, const char* rule, Valid valid)
{
    const std::optional<Number> value = toNumber<Number>(parser.value(name));
    if (!value || !valid(*value))
        throw UsageError(QStringLiteral("--%1 must be %2, got \"%3\"")
                             .arg(name, QString::fromLatin1(rule), parser.value(name))
                             .toStdString());
    return *value;
}

// As number(), with `fallback` when the option is not given.
template <typename Number, typename Valid>
Number number(const QCommandLineParser& parser, const QString& name, Number fallback, const char* rule, Valid valid)
{
    return parser.isSet(name) ? number<Number>(parser, name, rule, valid) : fallback;
}

// Any value the type holds.
inline constexpr auto anyValue = [](auto) { return true; };

} // namespace CommandLine

} // namespace kvlab
