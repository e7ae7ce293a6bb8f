#pragma once

#include "views/diagrams/Diagram.h"

#include <vector>

namespace kvlab {

// The key to the cell states and to the colour map of values.
class LegendDiagram : public Diagram {
public:
    struct Entry {
        CellState state;
        QString label;
    };
    // What the legend lists for this frame. Without a cache the earlier rows
    // are thrown away only at the last layer, so the words follow the layer.
    static std::vector<Entry> entries(const Frame& frame);

    void paint(QPainter& painter, const QRectF& rect, const Frame& frame) const override;
    QSizeF preferredSize() const override { return {1600, 36}; }
};

} // namespace kvlab
