#pragma once

#include "views/diagrams/Diagram.h"

#include <QCoreApplication>

#include <optional>
#include <utility>

namespace kvlab {

// Every layer x query head's attention at one step, two grids side by side:
// without the cache, each head's full masked triangle (every query row
// computed again); with it, only the newest query row over all keys. Query
// heads that share one KV head (GQA) are grouped and labelled with it; the
// head the panes show is outlined. A cell names its layer and head so a
// click can select it.
class AllHeadsDiagram : public Diagram {
    Q_DECLARE_TR_FUNCTIONS(AllHeadsDiagram)

public:
    enum class Side { Uncached, Cached };

    struct Grid {
        Side side = Side::Uncached;
        QRectF area;
        QPointF origin;       // top-left of layer 0, head 0
        double cellW = 10;    // a head's cell
        double cellH = 10;
        double gapX = 2;      // between heads of one group
        double groupGap = 6;  // between GQA groups
        double gapY = 2;      // between layers
        int queriesPerGroup = 1;
        QRectF cellRect(int layer, int head) const;
    };

    struct Layout {
        QRectF heading;
        Grid uncached;
        Grid cached;
        double labelPx = 11;
    };

    Layout layout(const QRectF& rect, const Frame& frame) const;
    // The (layer, query head) under `point`, in either grid.
    std::optional<std::pair<int, int>> headAt(const QRectF& rect, const Frame& frame, QPointF point) const;

    void paint(QPainter& painter, const QRectF& rect, const Frame& frame) const override;
    QString tooltipAt(const QRectF& rect, const Frame& frame, QPointF point) const override;
    QSizeF preferredSize() const override { return {900, 640}; }

private:
    void paintGrid(QPainter& painter, const Grid& grid, const Frame& frame, double labelPx) const;
    void paintLabels(QPainter& painter, const Grid& grid, const Frame& frame, double labelPx) const;
};

} // namespace kvlab
