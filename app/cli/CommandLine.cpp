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

template <>
std::optional<int> toNumber<int>(const QString& text)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    return ok ? std::optional<int>(value) : std::nullopt;
}

template <>
std::optional<qlonglong> toNumber<qlonglong>(const QString& text)
{
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok);
    return ok ? std::optional<qlonglong>(value) : std::nullopt;
}

template <>
std::optional<qulonglong> toNumber<qulonglong>(const QString& text)
{
    bool ok = false;
    const qulonglong value = text.toULongLong(&ok);
    return ok ? std::optional<qulonglong>(value) : std::nullopt;
}

template <>
std::optional<float> toNumber<float>(const QString& text)
{
    bool ok = false;
    const float value = text.toFloat(&ok);
    return ok ? std::optional<float>(value) : std::nullopt;
}

template <>
std::optional<double> toNumber<double>(const QString& text)
{
    bool ok = false;
    const double value = text.toDouble(&ok);
    return ok ? std::optional<double>(value) : std::nullopt;
}

} // namespace kvlab::CommandLine
