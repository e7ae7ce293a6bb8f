#include "MatrixPainter.h"

#include "Typography.h"

#include <QPainterPath>

#include <cmath>

namespace kvlab {

namespace {

bool hasBorder(CellState state)
{
    return state == CellState::New || state == CellState::FromCache || state == CellState::Recomputed
        || state == CellState::Stale;
}

// How many cells of the row-major sweep are visible at this reveal.
int revealedCells(const MatrixSpec& spec)
{
    const int total = spec.rows() * spec.cols();
    return static_cast<int>(std::ceil(spec.reveal * total - 1e-9));
}

void paintCell(QPainter& painter, const MatrixSpec& spec, int row, int col, QRectF rect, const Theme& theme,
               bool showNumbers)
{
    const CellState state = spec.state(row, col);
    const float value = spec.values(row, col);
    const double inset = std::max(1.0, rect.width() * 0.06);
    const QRectF inner = rect.adjusted(inset, inset, -inset, -inset);

    if (state == CellState::Pending) {
        painter.setPen(QPen(theme.grid, 1.0, Qt::DashLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(inner);
        return;
    }
    if (state == CellState::Masked) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(theme.stateColor(CellState::Masked));
        painter.drawRect(inner);
        return;
    }
    painter.setPen(Qt::NoPen);
    painter.setBrush(theme.valueColor(value, spec.valueRange));
    painter.drawRect(inner);
    if (state == CellState::Wasted) {
        QColor veil = theme.stateColor(CellState::Wasted);
        veil.setAlphaF(0.55f);
        painter.setBrush(QBrush(veil, Qt::SolidPattern));
        painter.drawRect(inner);
        painter.setBrush(QBrush(theme.stateColor(CellState::Wasted).darker(130), Qt::BDiagPattern));
        painter.drawRect(inner);
    }
    if (hasBorder(state)) {
        const double width = std::max(2.0, rect.width() * (theme.presentation ? 0.13 : 0.1));
        painter.setPen(QPen(theme.stateColor(state), width, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(inner.adjusted(width / 2, width / 2, -width / 2, -width / 2));
    }
    if (showNumbers) {
        painter.setPen(state == CellState::Wasted ? theme.mutedText : theme.text);
        painter.drawText(inner, Qt::AlignCenter, compactNumber(value));
    }
}

void paintLabels(QPainter& painter, const MatrixSpec& spec, const MatrixPlacement& place, const Theme& theme,
                 double fontPx)
{
    painter.setFont(pixelFont(fontPx));
    for (int r = 0; r < spec.rowLabels.size(); ++r) {
        const QRectF cell = place.cellRect(r, 0);
        const QRectF label(cell.left() - 400, cell.top(), 400 - fontPx * 0.4, cell.height());
        painter.setPen(spec.highlightsRow(r) ? theme.text : theme.mutedText);
        painter.drawText(label, Qt::AlignRight | Qt::AlignVCenter, spec.rowLabels[r]);
    }
    for (int c = 0; c < spec.colLabels.size(); ++c) {
        const QRectF cell = place.cellRect(0, c);
        const QPointF anchor(cell.center().x(), cell.top() - fontPx * 0.35);
        painter.save();
        painter.translate(anchor);
        painter.rotate(-50);
        painter.setPen(c == spec.highlightCol ? theme.text : theme.mutedText);
        painter.drawText(QRectF(0, -fontPx, 400, fontPx * 1.4), Qt::AlignLeft | Qt::AlignVCenter, spec.colLabels[c]);
        painter.restore();
    }
}

void paintHighlight(QPainter& painter, const MatrixSpec& spec, const MatrixPlacement& place, const Theme& theme)
{
    // A strong glow and a dark outline, readable from the back row of a lecture hall.
    QColor glow = theme.highlight;
    glow.setAlphaF(0.7f);
    painter.setPen(QPen(theme.text, std::max(2.0, place.cell * 0.09), Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
    painter.setBrush(glow);
    const QRectF grid = place.gridRect(spec);
    const double margin = std::max(4.0, place.cell * 0.15);
    for (int r = 0; r < spec.rows(); ++r)
        if (spec.highlightsRow(r))
            painter.drawRect(QRectF(grid.left() - margin, place.cellRect(r, 0).top(), grid.width() + 2 * margin, place.cell));
    if (spec.highlightCol >= 0)
        painter.drawRect(QRectF(place.cellRect(0, spec.highlightCol).left(), grid.top() - margin, place.cell,
                                grid.height() + 2 * margin));
}

} // namespace

std::optional<std::pair<int, int>> MatrixPlacement::cellAt(const MatrixSpec& spec, QPointF point) const
{
    if (!gridRect(spec).contains(point))
        return std::nullopt;
    const int col = std::min(spec.cols() - 1, static_cast<int>((point.x() - origin.x()) / cell));
    const int row = std::min(spec.rows() - 1, static_cast<int>((point.y() - origin.y()) / cell));
    return std::make_pair(row, col);
}

QString compactNumber(double value)
{
    QString text = QString::number(value, 'f', 2);
    if (text.startsWith(QLatin1String("0.")))
        text.remove(0, 1);
    else if (text.startsWith(QLatin1String("-0.")))
        text.remove(1, 1);
    if (text == QLatin1String("-.00"))
        text = QStringLiteral(".00");
    return text;
}

void paintMatrix(QPainter& painter, const MatrixSpec& spec, const MatrixPlacement& place, const Theme& theme,
                 double labelFontPx)
{
    const QRectF grid = place.gridRect(spec);
    paintHighlight(painter, spec, place, theme);

    const double numberPx = place.cell * 0.34;
    const bool showNumbers = numberPx >= 8.5;
    painter.setFont(pixelFont(numberPx));
    const int shown = revealedCells(spec);
    for (int r = 0; r < spec.rows(); ++r) {
        for (int c = 0; c < spec.cols(); ++c) {
            QRectF rect = place.cellRect(r, c);
            const bool sliding = r == spec.slidingRow || c == spec.slidingCol;
            if (sliding) {
                painter.setOpacity(std::clamp(1.0 - spec.slide / 3.0, 0.15, 1.0));
                rect.translate(c == spec.slidingCol ? spec.slide * place.cell : 0.0,
                               r == spec.slidingRow ? spec.slide * place.cell : 0.0);
            }
            const bool hidden = r * spec.cols() + c >= shown && spec.state(r, c) != CellState::Masked;
            if (hidden) {
                painter.setPen(QPen(theme.grid, 1.0, Qt::DashLine));
                painter.setBrush(Qt::NoBrush);
                painter.drawRect(rect.adjusted(1, 1, -1, -1));
            } else {
                paintCell(painter, spec, r, c, rect, theme, showNumbers);
            }
            painter.setOpacity(1.0);
        }
    }
    paintLabels(painter, spec, place, theme, labelFontPx);

    painter.setFont(pixelFont(labelFontPx * 1.15, true));
    painter.setPen(theme.text);
    painter.drawText(QRectF(grid.left() - 200, place.titleTop, grid.width() + 400, labelFontPx * 1.8),
                     Qt::AlignHCenter | Qt::AlignVCenter, spec.title);
    painter.setFont(pixelFont(labelFontPx));
    painter.setPen(theme.mutedText);
    painter.drawText(QRectF(grid.left() - 200, grid.bottom() + 2, grid.width() + 400, labelFontPx * 1.5),
                     Qt::AlignHCenter | Qt::AlignTop, spec.caption);
    if (!spec.note.isEmpty()) {
        painter.setFont(pixelFont(labelFontPx, true));
        painter.setPen(theme.stateColor(spec.note.contains(QStringLiteral("recomputed")) ? CellState::Recomputed
                                                                                         : CellState::New));
        painter.drawText(QRectF(grid.left() - 200, grid.bottom() + labelFontPx * 1.4, grid.width() + 400,
                                labelFontPx * 1.5),
                         Qt::AlignHCenter | Qt::AlignTop, spec.note);
    }
}

} // namespace kvlab
