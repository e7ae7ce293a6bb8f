#include "views/charts/FittedTicker.h"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace kvlab {

FittedTicker::FittedTicker(const QCPAxis* axis, Kind kind)
    : m_axis(axis)
    , m_kind(kind)
{
}

double FittedTicker::strideFor(double span, double pixels, double spacing, bool whole)
{
    double wanted = pixels > 0 ? span * spacing / pixels : span;
    if (whole)
        wanted = std::max(wanted, 1.0);
    if (!(wanted > 0))
        return 1.0;
    const double decade = std::pow(10.0, std::floor(std::log10(wanted)));
    for (double factor : {1.0, 2.0, 5.0})
        if (factor * decade >= wanted * (1 - 1e-9))
            return factor * decade;
    return 10 * decade;
}

bool FittedTicker::horizontal() const
{
    return m_axis->orientation() == Qt::Horizontal;
}

// The length the axis will get. The ticks are made before this replot's
// layout, so take the axis rect's share of the last layout, apply it to the
// plot's current viewport, and take off the last margins (at least a few
// lines of type for the labels across the axis).
double FittedTicker::axisPixels() const
{
    const QCPAxisRect* rect = m_axis->axisRect();
    const QCustomPlot* plot = m_axis->parentPlot();
    const QRect viewport = plot->viewport();
    const QRect whole = plot->plotLayout()->outerRect();
    const QRect own = rect->outerRect();
    const bool across = horizontal();
    double share = 1.0;
    if (!own.isEmpty() && !whole.isEmpty())
        share = across ? double(own.width()) / whole.width() : double(own.height()) / whole.height();
    else if (!across)
        share = 1.0 / std::max(1, plot->axisRectCount());
    const double length = (across ? viewport.width() : viewport.height()) * share;
    const QMargins margins = rect->margins();
    const double line = QFontMetricsF(m_axis->tickLabelFont()).height();
    const double taken = across ? std::max<double>(margins.left() + margins.right(), 5 * line)
                                : std::max<double>(margins.top() + margins.bottom(), 3 * line);
    return length - taken;
}

// A label and the gap before the next, along the axis.
double FittedTicker::spacing(const QCPRange& range) const
{
    const QFontMetricsF metrics(m_axis->tickLabelFont());
    if (!horizontal())
        return 1.6 * metrics.height();
    const double largest = std::max(std::abs(range.lower), std::abs(range.upper));
    const QString widest = m_kind == Kind::Steps
        ? QString::number(static_cast<long long>(std::ceil(largest)))
        : m_axis->parentPlot()->locale().toString(largest, 'g', 3);
    return metrics.horizontalAdvance(widest) + 2 * metrics.horizontalAdvance(QLatin1Char('0'));
}

double FittedTicker::getTickStep(const QCPRange& range)
{
    return strideFor(range.size(), axisPixels(), spacing(range), m_kind == Kind::Steps);
}

int FittedTicker::getSubTickCount(double tickStep)
{
    if (m_kind == Kind::Steps && tickStep <= 5)
        return static_cast<int>(std::lround(tickStep)) - 1; // one mark per step
    const double mantissa = tickStep / std::pow(10.0, std::floor(std::log10(tickStep)));
    return mantissa < 1.5 ? 4 : mantissa < 3 ? 1 : 4; // 1 -> fifths, 2 -> halves, 5 -> fifths
}

QString FittedTicker::getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision)
{
    if (m_kind == Kind::Steps)
        return QString::number(std::llround(tick));
    return QCPAxisTicker::getTickLabel(tick, locale, formatChar, precision);
}

} // namespace kvlab
