#pragma once

#include <QObject>

#include <vector>

class QCustomPlot;
class QCPAbstractPlottable;
class QCPAxis;
class QCPLayoutElement;

namespace kvlab {

// Keeps a chart's data clear of a legend inset at the top of its axis rect.
// Once a replot has laid the chart out (afterLayout), each value axis given
// to watch() is stretched, if need be, so that the data under the legend's
// width ends below the legend; the data elsewhere keeps its headroom. On a
// small chart a legend otherwise sits on the first bars and lines.
class LegendRoom : public QObject {
public:
    LegendRoom(QCustomPlot* plot, QCPLayoutElement* legend, QCPAxis* keyAxis);

    // `axis` runs from 0 and shows `plottables`; `headroom` is its upper
    // bound over their highest value when the legend is not in the way.
    void watch(QCPAxis* axis, std::vector<QCPAbstractPlottable*> plottables, double headroom);

private:
    struct Watched {
        QCPAxis* axis;
        std::vector<QCPAbstractPlottable*> plottables;
        double headroom;
    };
    void fit();
    double highest(const Watched& watched, bool underLegendOnly) const;

    QCustomPlot* m_plot;
    QCPLayoutElement* m_legend;
    QCPAxis* m_keyAxis;
    std::vector<Watched> m_watched;
};

} // namespace kvlab
