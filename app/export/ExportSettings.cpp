#include "app/export/ExportSettings.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace kvlab {

namespace {

constexpr double kScreenDpi = 96;
constexpr double kA4Dpi = 150;
constexpr double kPointsPerInch = 72;
const QSize kMinimumSize(160, 120);
const QSize kMaximumSize(10000, 10000);

} // namespace

QSize ExportSettings::presetSize(Size size)
{
    switch (size) {
    case Size::Wide:
        return {1920, 1080};
    case Size::Classic:
        return {1024, 768};
    case Size::A4Landscape:
        return {1754, 1240};
    case Size::Custom:
        break;
    }
    return {1920, 1080};
}

QSize ExportSettings::pageSize() const
{
    return size == Size::Custom ? customSize : presetSize(size);
}

double ExportSettings::pageDpi() const
{
    return size == Size::A4Landscape ? kA4Dpi : kScreenDpi;
}

QPageLayout ExportSettings::pdfPageLayout() const
{
    if (size == Size::A4Landscape)
        return QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape, QMarginsF());
    const QSizeF points = QSizeF(pageSize()) * (kPointsPerInch / pageDpi());
    return QPageLayout(QPageSize(points, QPageSize::Point, QString(), QPageSize::ExactMatch), QPageLayout::Portrait,
                       QMarginsF());
}

QString ExportSettings::formatId(Format format)
{
    switch (format) {
    case Format::Png:
        return QStringLiteral("png");
    case Format::Svg:
        return QStringLiteral("svg");
    case Format::Pdf:
        return QStringLiteral("pdf");
    }
    return {};
}

std::optional<ExportSettings::Format> ExportSettings::formatFromId(const QString& id)
{
    for (Format format : {Format::Png, Format::Svg, Format::Pdf})
        if (id.compare(formatId(format), Qt::CaseInsensitive) == 0)
            return format;
    return std::nullopt;
}

QString ExportSettings::sizeLabel(Size size)
{
    switch (size) {
    case Size::Wide:
        return QCoreApplication::translate("ExportSettings", "16:9 slide, 1920 × 1080");
    case Size::Classic:
        return QCoreApplication::translate("ExportSettings", "4:3 slide, 1024 × 768");
    case Size::A4Landscape:
        return QCoreApplication::translate("ExportSettings", "A4 landscape handout");
    case Size::Custom:
        return QCoreApplication::translate("ExportSettings", "Custom size");
    }
    return {};
}

std::optional<std::pair<ExportSettings::Size, QSize>> ExportSettings::sizeFromText(const QString& text)
{
    if (text.compare(QLatin1String("a4"), Qt::CaseInsensitive) == 0)
        return std::pair{Size::A4Landscape, presetSize(Size::A4Landscape)};
    static const QRegularExpression pattern(QStringLiteral("^(\\d{1,5})[xX×](\\d{1,5})$"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const QSize size(match.captured(1).toInt(), match.captured(2).toInt());
    if (size.width() < kMinimumSize.width() || size.height() < kMinimumSize.height()
        || size.width() > kMaximumSize.width() || size.height() > kMaximumSize.height())
        return std::nullopt;
    for (Size preset : {Size::Wide, Size::Classic})
        if (presetSize(preset) == size)
            return std::pair{preset, size};
    return std::pair{Size::Custom, size};
}

} // namespace kvlab
