#pragma once

// Where QCustomPlot draws an axis title: centred on its axis, as wide as its
// text, whatever the widget's edge. A title longer than its axis, or running
// past the plot widget, is cut on screen; kvlab::AxisTitles should prevent both.
#include <QFontMetricsF>
#include <QString>

#include <qcustomplot.h>

namespace kvtest {

// Every visible axis title of `plot` within its axis's length and the widget:
// empty when all fit, else which title does not, and by how much.
inline QString clippedAxisTitle(const QCustomPlot& plot)
{
    for (QCPAxisRect* rect : plot.axisRects())
        for (QCPAxis* axis : rect->axes()) {
            if (!axis->visible() || axis->label().isEmpty())
                continue;
            const double text = QFontMetricsF(axis->labelFont()).horizontalAdvance(axis->label());
            const bool across = axis->orientation() == Qt::Horizontal;
            const double length = across ? rect->width() : rect->height();
            const double centre = across ? rect->rect().center().x() : rect->rect().center().y();
            const double widget = across ? plot.width() : plot.height();
            if (text > length + 0.5 || centre - text / 2 < -0.5 || centre + text / 2 > widget + 0.5)
                return QStringLiteral("\"%1\" is %2 px long on an axis of %3 px in a plot of %4 px")
                    .arg(axis->label()).arg(text, 0, 'f', 1).arg(length).arg(widget);
        }
    return {};
}

} // namespace kvtest
