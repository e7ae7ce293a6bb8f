#include "views/diagrams/MatrixPainter.h"

#include "views/style/Typography.h"

#include <QFontMetricsF>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace kvlab {

namespace {

constexpr double kMinNumberPx = 8.5;

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

double borderWidth(const MatrixPlacement& place, const Theme& theme)
{
    // Presenting, thicker (for the back row), up to what leaves a number its room.
    const double side = std::min(place.cellW, place.cellH);
    return theme.presentation ? std::clamp(side * 0.13, 2.0, 3.5) : std::max(2.0, side * 0.1);
}

void paintWastedVeil(QPainter& painter, const QRectF& rect, const Theme& theme)
{
    QColor veil = theme.stateColor(CellState::Wasted);
    veil.setAlphaF(0.55f);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QBrush(veil, Qt::SolidPattern));
    painter.drawRect(rect);
    painter.setBrush(QBrush(theme.stateColor(CellState::Wasted).darker(130), Qt::BDiagPattern));
    painter.drawRect(rect);
}

void paintCell(QPainter& painter, const MatrixSpec& spec, int row, int col, QRectF rect, const Theme& theme,
               const MatrixPlacement& place, double numberPx)
{
    const CellState state = spec.state(row, col);
    const float value = spec.values(row, col);
    const bool heatmap = place.detail == Detail::Heatmap;
    const double inset = heatmap ? 0.0 : std::max(1.0, std::min(rect.width(), rect.height()) * 0.06);
    const QRectF inner = rect.adjusted(inset, inset, -inset, -inset);

    if (state == CellState::Pending) {
        if (heatmap) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(theme.background);
        } else {
            painter.setPen(QPen(theme.grid, 1.0, Qt::DashLine));
            painter.setBrush(Qt::NoBrush);
        }
        painter.drawRect(inner);
        return;
    }
    painter.setPen(Qt::NoPen);
    painter.setBrush(state == CellState::Masked ? theme.stateColor(CellState::Masked)
                                                : theme.valueColor(value, spec.valueRange));
    painter.drawRect(inner);
    if (heatmap || state == CellState::Masked)
        return; // a heatmap outlines states over runs of cells (paintRuns)
    if (state == CellState::Wasted)
        paintWastedVeil(painter, inner, theme);
    if (hasBorder(state)) {
        const double width = borderWidth(place, theme);
        painter.setPen(QPen(theme.stateColor(state), width, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(inner.adjusted(width / 2, width / 2, -width / 2, -width / 2));
    }
    if (numberPx > 0) {
        painter.setPen(state == CellState::Wasted ? theme.mutedText : theme.text);
        painter.drawText(inner, Qt::AlignCenter, compactNumber(value));
    }
}

// The state a run of cells along the token axis shares: the first cell of
// the row (or column) that is neither masked nor in a band.
CellState lineState(const MatrixSpec& spec, int line, bool alongRows)
{
    const int count = alongRows ? spec.cols() : spec.rows();
    for (int i = 0; i < count; ++i) {
        const int r = alongRows ? line : i;
        const int c = alongRows ? i : line;
        if (spec.inBand(r, c))
            continue;
        const CellState state = spec.state(r, c);
        if (state != CellState::Masked)
            return state;
    }
    return CellState::Masked;
}

// Heatmap: one outline (or veil) per run of rows, or of columns for Kᵀ, that
// share a state, instead of a border on every cell.
void paintRuns(QPainter& painter, const MatrixSpec& spec, const MatrixPlacement& place, const Theme& theme)
{
    const bool alongRows = spec.role != MatrixSpec::Role::KeysT;
    const int lines = alongRows ? spec.rows() : spec.cols();
    const QRectF grid = place.gridRect(spec);
    const double width = theme.presentation ? 3.0 : 2.0;
    int start = 0;
    while (start < lines) {
        const bool band = alongRows ? spec.sourceRow(start) < 0 : spec.sourceCol(start) < 0;
        const CellState state = lineState(spec, start, alongRows);
        int end = start + 1;
        while (!band && end < lines && (alongRows ? spec.sourceRow(end) : spec.sourceCol(end)) >= 0
               && lineState(spec, end, alongRows) == state)
            ++end;
        if (!band) {
            const QRectF run = alongRows ? QRectF(grid.left(), grid.top() + start * place.cellH, grid.width(),
                                                  (end - start) * place.cellH)
                                         : QRectF(grid.left() + start * place.cellW, grid.top(),
                                                  (end - start) * place.cellW, grid.height());
            if (state == CellState::Wasted) {
                // Veil only what was computed: the masked cells stay as they are.
                QPainterPath computed;
                for (int line = start; line < end; ++line)
                    for (int i = 0; i < (alongRows ? spec.cols() : spec.rows()); ++i) {
                        const int r = alongRows ? line : i;
                        const int c = alongRows ? i : line;
                        if (!spec.inBand(r, c) && spec.state(r, c) != CellState::Masked)
                            computed.addRect(place.cellRect(r, c));
                    }
                painter.save();
                painter.setClipPath(computed.simplified());
                paintWastedVeil(painter, run, theme);
                painter.restore();
            }
            if (hasBorder(state)) {
                painter.setPen(QPen(theme.stateColor(state), width, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
                painter.setBrush(Qt::NoBrush);
                painter.drawRect(run.adjusted(width / 2, width / 2, -width / 2, -width / 2));
            }
        }
        start = end;
    }
}

// The band standing for the hidden tokens: "… 37 tokens …" where it fits.
void paintBands(QPainter& painter, const MatrixSpec& spec, const MatrixPlacement& place, const Theme& theme,
                double labelFontPx)
{
    const QRectF grid = place.gridRect(spec);
    painter.setFont(pixelFont(labelFontPx * 0.9));
    for (int r = 0; r < spec.rows(); ++r) {
        if (spec.sourceRow(r) >= 0)
            continue;
        const QRectF band(grid.left(), grid.top() + r * place.cellH, grid.width(), place.cellH);
        painter.setPen(Qt::NoPen);
        painter.setBrush(theme.background);
        painter.drawRect(band);
        const QString text = QStringLiteral("… %1 tokens …").arg(spec.elidedRows);
        painter.setPen(theme.mutedText);
        if (QFontMetricsF(painter.font()).horizontalAdvance(text) < band.width() && labelFontPx * 0.9 <= band.height() * 1.1)
            painter.drawText(band, Qt::AlignCenter, text);
        else
            painter.drawText(band, Qt::AlignCenter, QStringLiteral("…"));
    }
    for (int c = 0; c < spec.cols(); ++c) {
        if (spec.sourceCol(c) >= 0)
            continue;
        const QRectF band(grid.left() + c * place.cellW, grid.top(), place.cellW, grid.height());
        painter.setPen(Qt::NoPen);
        painter.setBrush(theme.background);
        painter.drawRect(band);
        const QString text = QStringLiteral("… %1 tokens …").arg(spec.elidedCols);
        painter.setPen(theme.mutedText);
        painter.save();
        painter.translate(band.center());
        painter.rotate(-90);
        const QRectF turned(-band.height() / 2, -band.width() / 2, band.height(), band.width());
        const bool fits = QFontMetricsF(painter.font()).horizontalAdvance(text) < turned.width()
            && labelFontPx * 0.9 <= band.width() * 1.1;
        painter.drawText(turned, Qt::AlignCenter, fits ? text : QStringLiteral("…"));
        painter.restore();
    }
}

void paintLabels(QPainter& painter, const MatrixSpec& spec, const MatrixPlacement& place, const Theme& theme,
                 double fontPx)
{
    painter.setFont(pixelFont(fontPx));
    const int lastRow = spec.rowLabels.size() - 1;
    for (int r : thinnedLabels(spec.rowLabels.size(), place.cellH, fontPx * 1.15, lastRow, spec.highlightRow)) {
        const QRectF cell = place.cellRect(r, 0);
        const QRectF label(cell.left() - 400, cell.center().y() - fontPx, 400 - fontPx * 0.4, 2 * fontPx);
        painter.setPen(spec.highlightsRow(r) ? theme.text : theme.mutedText);
        painter.drawText(label, Qt::AlignRight | Qt::AlignVCenter, spec.rowLabels[r]);
    }
    const int lastCol = spec.colLabels.size() - 1;
    const double degrees = columnLabelDegrees(theme.presentation);
    // Turned, neighbours clear each other once they are a line height over sin(angle) apart.
    const double spacing = fontPx * 1.25 / std::sin(degrees * 3.14159265358979 / 180.0);
    for (int c : thinnedLabels(spec.colLabels.size(), place.cellW, spacing, lastCol, spec.highlightCol)) {
        const QRectF cell = place.cellRect(0, c);
        const QPointF anchor(cell.center().x(), cell.top() - fontPx * 0.35);
        painter.save();
        painter.translate(anchor);
        painter.rotate(-degrees);
        painter.setPen(c == spec.highlightCol ? theme.text : theme.mutedText);
        const QString text = QFontMetricsF(painter.font()).elidedText(spec.colLabels[c], Qt::ElideRight, columnLabelRun(fontPx));
        painter.drawText(QRectF(0, -fontPx, 400, fontPx * 1.4), Qt::AlignLeft | Qt::AlignVCenter, text);
        painter.restore();
    }
}

void paintHighlight(QPainter& painter, const MatrixSpec& spec, const MatrixPlacement& place, const Theme& theme)
{
    // A strong glow and a dark outline, readable from the back row of a lecture hall.
    QColor glow = theme.highlight;
    glow.setAlphaF(0.7f);
    painter.setPen(QPen(theme.text, std::max(2.0, std::min(place.cellW, place.cellH) * 0.09), Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
    painter.setBrush(glow);
    const QRectF grid = place.gridRect(spec);
    const double margin = std::max(4.0, std::min(place.cellW, place.cellH) * 0.15);
    for (int r = 0; r < spec.rows(); ++r)
        if (spec.highlightsRow(r))
            painter.drawRect(QRectF(grid.left() - margin, place.cellRect(r, 0).top(), grid.width() + 2 * margin, place.cellH));
    if (spec.highlightCol >= 0)
        painter.drawRect(QRectF(place.cellRect(0, spec.highlightCol).left(), grid.top() - margin, place.cellW,
                                grid.height() + 2 * margin));
}

} // namespace

std::optional<std::pair<int, int>> MatrixPlacement::cellAt(const MatrixSpec& spec, QPointF point) const
{
    if (!gridRect(spec).contains(point))
        return std::nullopt;
    const int col = std::min(spec.cols() - 1, static_cast<int>((point.x() - origin.x()) / cellW));
    const int row = std::min(spec.rows() - 1, static_cast<int>((point.y() - origin.y()) / cellH));
    return std::make_pair(row, col);
}

std::vector<int> thinnedLabels(int count, double spacing, double labelExtent, int mustShowA, int mustShowB)
{
    std::vector<int> shown;
    if (count <= 0 || spacing <= 0)
        return shown;
    const int stride = std::max(1, static_cast<int>(std::ceil(labelExtent / spacing - 1e-9)));
    auto clearOf = [&](int index, int other) { return other < 0 || std::abs(index - other) >= stride; };
    for (int i = 0; i < count; ++i) {
        const bool must = i == mustShowA || i == mustShowB;
        if (must || (i % stride == 0 && clearOf(i, mustShowA) && clearOf(i, mustShowB)))
            shown.push_back(i);
    }
    return shown;
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

void appendMatrixBoxes(std::vector<std::pair<QString, QRectF>>& boxes, const QString& name, const MatrixSpec& spec,
                       const MatrixPlacement& place, double labelFontPx)
{
    const double lf = labelFontPx;
    const auto width = [](const QString& text, double px, bool bold) {
        return QFontMetricsF(pixelFont(px, bold)).horizontalAdvance(text);
    };
    const QRectF grid = place.gridRect(spec);
    const auto centred = [&](const QString& part, double textWidth, double top, double height) {
        boxes.emplace_back(name + part, QRectF(grid.center().x() - textWidth / 2, top, textWidth, height));
    };
    boxes.emplace_back(name + QStringLiteral(" grid"), grid);
    centred(QStringLiteral(" title"), width(spec.title, lf * 1.15, true), place.titleTop, lf * 1.8);
    centred(QStringLiteral(" caption"), width(spec.caption, lf, false), grid.bottom() + 2, lf * 1.2);
    if (!spec.note.isEmpty())
        centred(QStringLiteral(" note"), width(spec.note, lf, true), grid.bottom() + 2 + lf * 1.3, lf * 1.2);
    if (!spec.rowLabels.isEmpty()) {
        double widest = 0;
        for (const QString& label : spec.rowLabels)
            widest = std::max(widest, width(label, lf, false));
        boxes.emplace_back(name + QStringLiteral(" row labels"),
                           QRectF(grid.left() - lf * 0.4 - widest, grid.top(), widest, grid.height()));
    }
}

double numberPixelSize(const MatrixSpec& spec, const MatrixPlacement& place, const Theme& theme)
{
    if (place.detail != Detail::Cells)
        return 0.0;
    // Inside the gap between cells and the state border, with half a pixel of air
    // (a glyph's advance already holds its side bearings).
    const double side = std::min(place.cellW, place.cellH);
    const double inset = std::max(1.0, side * 0.06) + borderWidth(place, theme) + 0.5;
    const double room = place.cellW - 2 * inset;
    const auto widestAt = [&spec](double px) {
        const QFontMetricsF metrics(numberFont(px));
        double widest = 0;
        for (Eigen::Index i = 0; i < spec.values.size(); ++i) {
            const float value = spec.values.data()[i];
            if (std::isfinite(value))
                widest = std::max(widest, metrics.horizontalAdvance(compactNumber(value)));
        }
        return widest;
    };
    double px = std::floor(std::min({place.cellH * 0.58, place.cellH - 2 * inset, 26.0}));
    const double widest = px >= kMinNumberPx ? widestAt(px) : 0.0;
    if (widest > room) {
        // Widths scale with the size, give or take hinting: shrink, then check whole pixels down.
        px = std::floor(px * room / widest);
        while (px >= kMinNumberPx && widestAt(px) > room)
            px -= 1.0;
    }
    return px >= kMinNumberPx ? px : 0.0;
}

void paintMatrix(QPainter& painter, const MatrixSpec& spec, const MatrixPlacement& place, const Theme& theme,
                 double labelFontPx)
{
    const QRectF grid = place.gridRect(spec);
    paintHighlight(painter, spec, place, theme);

    const double numberPx = numberPixelSize(spec, place, theme);
    if (numberPx > 0)
        painter.setFont(numberFont(numberPx));
    const int shown = revealedCells(spec);
    for (int r = 0; r < spec.rows(); ++r) {
        for (int c = 0; c < spec.cols(); ++c) {
            if (spec.inBand(r, c))
                continue;
            QRectF rect = place.cellRect(r, c);
            const bool sliding = r == spec.slidingRow || c == spec.slidingCol;
            if (sliding) {
                painter.setOpacity(std::clamp(1.0 - spec.slide / 3.0, 0.15, 1.0));
                rect.translate(c == spec.slidingCol ? spec.slide * place.cellW : 0.0,
                               r == spec.slidingRow ? spec.slide * place.cellH : 0.0);
            }
            const bool hidden = r * spec.cols() + c >= shown && spec.state(r, c) != CellState::Masked;
            if (hidden && place.detail == Detail::Cells) {
                painter.setPen(QPen(theme.grid, 1.0, Qt::DashLine));
                painter.setBrush(Qt::NoBrush);
                painter.drawRect(rect.adjusted(1, 1, -1, -1));
            } else if (!hidden) {
                paintCell(painter, spec, r, c, rect, theme, place, numberPx);
            }
            painter.setOpacity(1.0);
        }
    }
    if (place.detail == Detail::Heatmap && spec.reveal >= 1.0)
        paintRuns(painter, spec, place, theme);
    paintBands(painter, spec, place, theme, labelFontPx);
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
        painter.drawText(QRectF(grid.left() - 200, grid.bottom() + 2 + labelFontPx * 1.3, grid.width() + 400,
                                labelFontPx * 1.5),
                         Qt::AlignHCenter | Qt::AlignTop, spec.note);
    }
}

} // namespace kvlab
