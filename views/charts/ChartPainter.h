#pragma once

#include "views/playback/Frame.h"

#include <QPainter>
#include <QRectF>

#include <memory>

namespace kvlab {

class CostChart;
class ScalingChart;

// A chart of the Charts dock as part of an exported page. The dock's own
// chart widget is laid out off screen at the page's size and recorded as
// drawing commands, then replayed on the page's painter, so PNG, SVG and PDF
// show what the dock shows, as vectors. Needs a QApplication: the first paint
// creates the widget.
class ChartPainter {
public:
    enum class Chart {
        CostPerStep,  // multiply-adds per step by phase, running totals, KV bytes
        CostVsLength, // the live shape's analytic cost at every length up to the context
    };

    explicit ChartPainter(Chart chart);

    // Type is drawn kTypeZoom times the size the dock uses for the same area,
    // so that a chart filling a slide reads from the back of the room.
    static constexpr double kTypeZoom = 1.5;

    void paint(QPainter& painter, const QRectF& rect, const Frame& frame) const;

private:
    Chart m_chart;
    // Created on first use; shared by copies of the page that owns this.
    mutable std::shared_ptr<CostChart> m_cost;
    mutable std::shared_ptr<ScalingChart> m_scaling;
};

} // namespace kvlab
