#include "views/charts/LegendRoom.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace kvlab {

namespace {

constexpr double kGapPx = 4;            // between the legend's bottom and the data under it
constexpr double kLeastFreeShare = 0.15; // under a legend taller than this, the data is drawn anyway

} // namespace

LegendRoom::LegendRoom(QCustomPlot* plot, QCPLayoutElement* legend, QCPAxis* keyAxis)
    : QObject(plot)
    , m_plot(plot)
    , m_legend(legend)
    , m_keyAxis(keyAxis)
{
    connect(plot, &QCustomPlot::afterLayout, this, &LegendRoom::fit);
}

void LegendRoom::watch(QCPAxis* axis, std::vector<QCPAbstractPlottable*> plottables, double headroom)
{
    m_watched.push_back({axis, std::move(plottables), headroom});
}

double LegendRoom::highest(const Watched& watched, bool underLegendOnly) const
{
    // The legend's width in keys, widened by half a step: a bar is that wide.
    const QRect legend = m_legend->outerRect();
    QCPRange keys(m_keyAxis->pixelToCoord(legend.left()), m_keyAxis->pixelToCoord(legend.right()));
    keys.normalize();
    keys.lower -= 0.5;
    keys.upper += 0.5;
    double result = 0;
    for (QCPAbstractPlottable* plottable : watched.plottables) {
        if (!plottable->visible())
            continue;
        bool found = false;
        const QCPRange values = underLegendOnly ? plottable->getValueRange(found, QCP::sdBoth, keys)
                                                : plottable->getValueRange(found, QCP::sdBoth);
        if (found)
            result = std::max(result, values.upper);
    }
    return result;
}

void LegendRoom::fit()
{
    if (!m_legend->visible() || m_watched.empty())
        return;
    const QRect area = m_watched.front().axis->axisRect()->rect();
    if (area.height() <= 0)
        return;
    const double free = (area.bottom() - m_legend->outerRect().bottom() - kGapPx) / double(area.height());
    const double share = std::max(kLeastFreeShare, free);
    bool changed = false;
    for (const Watched& watched : m_watched) {
        const double everywhere = highest(watched, false);
        if (everywhere <= 0)
            continue;
        const double upper = std::max(everywhere * watched.headroom, highest(watched, true) / share);
        if (std::abs(upper - watched.axis->range().upper) > 0.005 * upper) {
            watched.axis->setRange(0, upper);
            changed = true;
        }
    }
    // The new ranges' tick labels are laid out by the next replot.
    if (changed)
        m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace kvlab
