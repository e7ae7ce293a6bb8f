#pragma once

#include "Diagram.h"

namespace kvlab {

// The key to the cell states and to the colour map of values.
class LegendDiagram : public Diagram {
public:
    void paint(QPainter& painter, const QRectF& rect, const Frame& frame) const override;
    QSizeF preferredSize() const override { return {1600, 36}; }
};

} // namespace kvlab
