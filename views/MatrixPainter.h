#pragma once

#include "MatrixSpec.h"
#include "Theme.h"

#include <QPainter>
#include <QRectF>

#include <optional>

namespace kvlab {

// Where one matrix sits: its cell grid's top-left corner and the cell size.
// Labels go left of and above the grid; title above them; caption below.
struct MatrixPlacement {
    QPointF origin; // top-left of cell (0, 0)
    double cell = 20.0;
    double titleTop = 0.0; // the titles of one row of matrices line up

    QRectF cellRect(int row, int col) const
    {
        return QRectF(origin.x() + col * cell, origin.y() + row * cell, cell, cell);
    }
    QRectF gridRect(const MatrixSpec& spec) const
    {
        return QRectF(origin, QSizeF(spec.cols() * cell, spec.rows() * cell));
    }
    std::optional<std::pair<int, int>> cellAt(const MatrixSpec& spec, QPointF point) const;
};

// Paints a matrix: value-coloured cells with their state as a thick border,
// numbers when they fit, labels, title, shape caption and note.
void paintMatrix(QPainter& painter, const MatrixSpec& spec, const MatrixPlacement& place, const Theme& theme,
                 double labelFontPx);

// "0.41" -> ".41": numbers short enough for small cells.
QString compactNumber(double value);

} // namespace kvlab
