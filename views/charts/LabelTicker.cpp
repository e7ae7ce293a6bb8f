#include "views/charts/LabelTicker.h"

#include "views/charts/FittedTicker.h"

#include <QFontMetricsF>

#include <cmath>

namespace kvlab {

LabelTicker::LabelTicker(const QCPAxis* axis)
    : m_axis(axis)
{
}

double LabelTicker::stride(const QCPRange& range) const
{
    const QFontMetricsF metrics(m_axis->tickLabelFont());
    double spacing = 0;
    const double angle = std::abs(m_axis->tickLabelRotation()) * M_PI / 180;
    if (angle > 0.1) {
        // Rotated labels are parallel strips: apart by their height across them.
        spacing = 1.3 * metrics.height() / std::sin(angle);
    } else {
        for (const QString& label : std::as_const(mTicks))
            spacing = std::max(spacing, metrics.horizontalAdvance(label));
        spacing += 2 * metrics.horizontalAdvance(QLatin1Char('0'));
    }
    // The axis rect's width from the last layout, on the plot's current viewport.
    const QCustomPlot* plot = m_axis->parentPlot();
    const QRect whole = plot->plotLayout()->outerRect();
    const QRect own = m_axis->axisRect()->outerRect();
    const double share = !own.isEmpty() && !whole.isEmpty() ? double(own.width()) / whole.width() : 1.0;
    const QMargins margins = m_axis->axisRect()->margins();
    const double pixels = plot->viewport().width() * share
        - std::max<double>(margins.left() + margins.right(), 5 * metrics.height());
    return FittedTicker::strideFor(range.size(), pixels, spacing, true);
}

int LabelTicker::getSubTickCount(double tickStep)
{
    Q_UNUSED(tickStep)
    return 0;
}

QVector<double> LabelTicker::createTickVector(double tickStep, const QCPRange& range)
{
    Q_UNUSED(tickStep)
    const long long every = std::llround(stride(range));
    QVector<double> ticks;
    for (auto it = mTicks.constBegin(); it != mTicks.constEnd(); ++it)
        if (std::llround(it.key()) % every == 0 && range.contains(it.key()))
            ticks << it.key();
    return ticks;
}

} // namespace kvlab
