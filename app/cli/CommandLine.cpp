#include "app/cli/CommandLine.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace kvlab::CommandLine {

QString programName()
{
    const QStringList arguments = QCoreApplication::arguments();
    const QString name = arguments.isEmpty() ? QString() : QFileInfo(arguments.constFirst()).fileName();
    return name.isEmpty() ? QStringLiteral("kvcache-lab") : name;
}

QString helpText(const QCommandLineParser& parser, const QString& usage)
{
    QString text = parser.helpText();
    const qsizetype firstLineEnd = text.indexOf(QLatin1Char('\n'));
    return QStringLiteral("Usage: ") + usage + (firstLineEnd < 0 ? QStringLiteral("\n") : text.mid(firstLineEnd));
}

namespace {

// `read(&ok)` is one of QString's toInt(), toFloat()...: its value when ok.
template <typename Number, typename Read>
std::optional<Number> checked(Read read)
{
    bool ok = false;
    const Number value = read(&ok);
    return ok ? std::optional<Number>(value) : std::nullopt;
}

} // namespace

template <> std::optional<int> toNumber<int>(const QString& text)
{
    return checked<int>([&](bool* ok) { return text.toInt(ok); });
}

template <> std::optional<qlonglong> toNumber<qlonglong>(const QString& text)
{
    return checked<qlonglong>([&](bool* ok) { return text.toLongLong(ok); });
}

template <> std::optional<qulonglong> toNumber<qulonglong>(const QString& text)
{
    return checked<qulonglong>([&](bool* ok) { return text.toULongLong(ok); });
}

template <> std::optional<float> toNumber<float>(const QString& text)
{
    return checked<float>([&](bool* ok) { return text.toFloat(ok); });
}

template <> std::optional<double> toNumber<double>(const QString& text)
{
    return checked<double>([&](bool* ok) { return text.toDouble(ok); });
}

} // namespace kvlab::CommandLine
