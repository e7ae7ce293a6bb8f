#pragma once

#include "views/diagrams/MatrixSpec.h"
#include "views/style/Theme.h"

#include <QPainter>
#include <QRectF>

#include <optional>
#include <utility>
#include <vector>

namespace kvlab {

// How much of a matrix is drawn. Cells: each cell framed by its state's
// colour, numbers where they fit whole. Heatmap: cells too small for that, so
// only their colour, with states outlined around runs of rows or columns.
enum class Detail { Cells, Heatmap };

// Where one matrix sits: its cell grid's top-left corner and the cell size
// (the head_dim axis may be drawn narrower than the token axis).
// Labels go left of and above the grid; title above them; caption below.
struct MatrixPlacement {
    QPointF origin; // top-left of cell (0, 0)
    double cellW = 20.0;
    double cellH = 20.0;
    double titleTop = 0.0; // the titles of one row of matrices line up
    Detail detail = Detail::Cells;

    QRectF cellRect(int row, int col) const
    {
        return QRectF(origin.x() + col * cellW, origin.y() + row * cellH, cellW, cellH);
    }
    QRectF gridRect(const MatrixSpec& spec) const
    {
        return QRectF(origin, QSizeF(spec.cols() * cellW, spec.rows() * cellH));
    }
    std::optional<std::pair<int, int>> cellAt(const MatrixSpec& spec, QPointF point) const;
};

// The labels of one axis that fit without touching each other: every
// `stride`-th one, plus the ones that must show (the newest, the selected).
std::vector<int> thinnedLabels(int count, double spacing, double labelExtent, int mustShowA, int mustShowB);

// Column labels are turned by this many degrees: steeply in a window; presenting,
// where cells are wider than high, flatter, so that their band is lower.
inline double columnLabelDegrees(bool presenting) { return presenting ? 35.0 : 50.0; }

// The longest a turned column label runs, at this label size; longer ones are cut.
inline double columnLabelRun(double labelPx) { return labelPx * 4.46; }

// The pixel size (whole pixels, as painted) of in-cell numbers when every
// number of `spec` fits whole inside a cell's state border, as `theme` draws
// it, at this placement; 0 when they do not fit at a legible size.
double numberPixelSize(const MatrixSpec& spec, const MatrixPlacement& place, const Theme& theme);

// The boxes a matrix painted at `place` takes: its grid, title, caption, note
// and row labels, named "NAME grid", "NAME title"... (what the layout tests
// check for overlaps). Column labels are the diagram's to add: their band
// depends on how it turns them.
void appendMatrixBoxes(std::vector<std::pair<QString, QRectF>>& boxes, const QString& name, const MatrixSpec& spec,
                       const MatrixPlacement& place, double labelFontPx);

// Paints a matrix: value-coloured cells with their state as a thick border
// (or outlined runs in a heatmap), numbers when they fit, labels, title,
// shape caption and note.
void paintMatrix(QPainter& painter, const MatrixSpec& spec, const MatrixPlacement& place, const Theme& theme,
                 double labelFontPx);

// "0.41" -> ".41": numbers short enough for small cells.
QString compactNumber(double value);

} // namespace kvlab
