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
        QString brief; // one or two words, for a legend too narrow for the labels at a legible size
    };
    // What the legend lists for this frame. Without a cache the earlier rows
    // are thrown away only at the last layer, so the words follow the layer.
    static std::vector<Entry> entries(const Frame& frame);

    // How the legend fits `rect`: its scale (type of 14 px at 1) and whether it
    // says each state in a word or two, the full labels being too small to read there.
    struct Fit {
        double scale = 1;
        bool brief = false;
    };
    static Fit fit(const QRectF& rect, const Frame& frame);
    static constexpr double kTypePx = 14; // at scale 1

    void paint(QPainter& painter, const QRectF& rect, const Frame& frame) const override;
    QSizeF preferredSize() const override { return {1600, 36}; }
};

} // namespace kvlab
