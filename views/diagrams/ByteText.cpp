#include "views/diagrams/ByteText.h"

#include "core/util/NumberFormat.h"

#include <QRegularExpression>

#include <cmath>
#include <cstdlib>

namespace kvlab {

namespace {

// Three significant digits in the largest unit the size reaches.
QString inUnits(std::int64_t bytes, double base, const char* const units[4])
{
    double value = std::abs(double(bytes));
    int unit = -1;
    while (unit < 3 && value >= base) {
        value /= base;
        ++unit;
    }
    const int decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2;
    return (bytes < 0 ? QStringLiteral("-") : QString()) + QString::number(value, 'f', decimals) + QLatin1Char(' ')
        + QString::fromLatin1(units[unit]);
}

} // namespace

QString exactBytes(std::int64_t bytes)
{
    return QString::fromStdString(kv::groupDigits(bytes)) + QStringLiteral(" B");
}

QString decimalBytes(std::int64_t bytes)
{
    static const char* const decimal[4] = {"kB", "MB", "GB", "TB"};
    return std::abs(bytes) < 1000 ? exactBytes(bytes) : inUnits(bytes, 1000, decimal);
}

QString roundedBytes(std::int64_t bytes)
{
    static const char* const binary[4] = {"KiB", "MiB", "GiB", "TiB"};
    if (std::abs(bytes) < 1024)
        return decimalBytes(bytes);
    return decimalBytes(bytes) + QStringLiteral(" = ") + inUnits(bytes, 1024, binary);
}

QString bytesText(std::int64_t bytes)
{
    if (std::abs(bytes) < 1000)
        return exactBytes(bytes);
    return exactBytes(bytes) + QStringLiteral(" (") + roundedBytes(bytes) + QLatin1Char(')');
}

QString gpuLabel(const std::string& name)
{
    QString label = QString::fromStdString(name);
    label.replace(QLatin1Char('-'), QLatin1Char(' '));
    static const QRegularExpression gigabytes(QStringLiteral("(\\d)GB\\b"));
    return label.replace(gigabytes, QStringLiteral("\\1 GB"));
}

} // namespace kvlab
