#include "views/diagrams/AllHeadsDiagram.h"

#include "views/diagrams/HeatmapImage.h"
#include "views/style/Typography.h"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace kvlab {

namespace {

constexpr double kMargin = 8.0;
constexpr double kMaxCellPx = 160.0;
constexpr double kMinStripPx = 4.0; // the cached grid's one query row never thinner than this

using Side = AllHeadsDiagram::Side;
using Grid = AllHeadsDiagram::Grid;

kv::DecodeMode modeOf(Side side)
{
    return side == Side::Cached ? kv::DecodeMode::Cached : kv::DecodeMode::Uncached;
}

QString gridTitle(Side side, int keys)
{
    return side == Side::Cached
        ? AllHeadsDiagram::tr("With KV cache: the newest query row, %1 keys").arg(keys)
        : AllHeadsDiagram::tr("Without KV cache: every query row, %1 × %1 masked").arg(keys);
}

// How many query rows the cached pass computed at this step (1 after the prefill).
int cachedRows(const Frame& frame)
{
    return static_cast<int>(frame.record(kv::DecodeMode::Cached).inputTokens.size());
}

int keyCount(const Frame& frame)
{
    return static_cast<int>(frame.record(kv::DecodeMode::Cached).keyTokens.size());
}

double stripHeight(double cell, const Frame& frame)
{
    const double rows = cachedRows(frame);
    const double keys = std::max(1, keyCount(frame));
    return std::min(cell, std::max({kMinStripPx, cell / 5, cell * rows / keys}));
}

double headerHeight(double labelPx, bool grouped)
{
    return (grouped ? 3 : 2) * QFontMetricsF(pixelFont(labelPx)).height() + 6; // title, KV groups, head numbers
}

// The gaps of one row of heads: between heads of a group and between groups.
double rowGaps(const QRectF& area, const kv::ModelConfig& config, double& gapX, double& groupGap)
{
    gapX = config.queriesPerKvHead() > 1 ? std::clamp(area.width() * 0.004, 1.0, 3.0) : 0.0;
    groupGap = std::clamp(area.width() * 0.012, 3.0, 12.0);
    return (config.nKvHead - 1) * groupGap + config.nKvHead * (config.queriesPerKvHead() - 1) * gapX;
}

// The largest cell that lets a row of heads fit `area`'s width.
double cellByWidth(const QRectF& area, const Frame& frame, double labelPx)
{
    const kv::ModelConfig& config = frame.lesson->config();
    const double labelW = QFontMetricsF(pixelFont(labelPx)).horizontalAdvance(QStringLiteral("L%1 ").arg(config.nLayer - 1));
    double gapX = 0;
    double groupGap = 0;
    const double gaps = rowGaps(area, config, gapX, groupGap);
    return std::min(kMaxCellPx, (area.width() - labelW - gaps) / config.nHead);
}

// Height a grid of `cell`-wide heads takes, header included.
double gridHeight(Side side, double cell, const Frame& frame, double labelPx)
{
    const kv::ModelConfig& config = frame.lesson->config();
    const double rowH = side == Side::Uncached ? cell : stripHeight(cell, frame);
    return headerHeight(labelPx, config.queriesPerKvHead() > 1) + config.nLayer * (rowH + 4.0);
}

Grid fitGrid(Side side, const QRectF& area, const Frame& frame, double labelPx, double cell)
{
    const kv::ModelConfig& config = frame.lesson->config();
    Grid grid;
    grid.side = side;
    grid.area = area;
    grid.queriesPerGroup = config.queriesPerKvHead();
    const double labelW = QFontMetricsF(pixelFont(labelPx)).horizontalAdvance(QStringLiteral("L%1 ").arg(config.nLayer - 1));
    const double top = area.top() + headerHeight(labelPx, grid.queriesPerGroup > 1);
    const QRectF room(area.left() + labelW, top, area.width() - labelW, area.bottom() - top);
    const double gaps = rowGaps(area, config, grid.gapX, grid.groupGap);
    grid.gapY = 4.0;
    grid.cellW = std::max(1.0, cell);
    grid.cellH = side == Side::Uncached ? grid.cellW : stripHeight(grid.cellW, frame);
    const double gridW = config.nHead * grid.cellW + gaps;
    grid.origin = QPointF(room.left() + std::max(0.0, (room.width() - gridW) / 2), room.top());
    return grid;
}

// The largest cell at which both grids fit, the uncached one in `first`, the cached one in `second`.
double commonCell(const QRectF& first, const QRectF& second, const Frame& frame, double labelPx)
{
    double cell = std::min(cellByWidth(first, frame, labelPx), cellByWidth(second, frame, labelPx));
    while (cell > 1.0
           && (gridHeight(Side::Uncached, cell, frame, labelPx) > first.height()
               || gridHeight(Side::Cached, cell, frame, labelPx) > second.height()))
        cell *= 0.97;
    return std::max(1.0, cell);
}

} // namespace

QRectF Grid::cellRect(int layer, int head) const
{
    const int group = head / queriesPerGroup;
    const int inGroup = head % queriesPerGroup;
    const double groupW = queriesPerGroup * cellW + (queriesPerGroup - 1) * gapX;
    const double x = origin.x() + group * (groupW + groupGap) + inGroup * (cellW + gapX);
    const double pitch = (side == Side::Uncached ? cellW : cellH) + gapY;
    return QRectF(x, origin.y() + layer * pitch, cellW, cellH);
}

AllHeadsDiagram::Layout AllHeadsDiagram::layout(const QRectF& rect, const Frame& frame) const
{
    Layout layout;
    const QRectF inner = rect.adjusted(kMargin, kMargin, -kMargin, -kMargin);
    layout.labelPx = std::clamp(std::min(inner.width(), inner.height()) / 60.0, 9.0, 13.0) * frame.theme.typeScale;
    const QFontMetricsF metrics(pixelFont(layout.labelPx * 1.15));
    const double headingH = 2 * metrics.lineSpacing() + 8;
    layout.heading = QRectF(inner.topLeft(), QSizeF(inner.width(), headingH));
    const QRectF body(inner.left(), inner.top() + headingH, inner.width(), inner.height() - headingH);
    // Side by side, or the triangles above the rows: whichever draws the heads larger.
    constexpr double kGap = 16;
    const double width = (body.width() - kGap) / 2;
    const QRectF left(body.topLeft(), QSizeF(width, body.height()));
    const QRectF right(QPointF(body.right() - width, body.top()), QSizeF(width, body.height()));
    const double wide = commonCell(left, right, frame, layout.labelPx);
    double tall = cellByWidth(body, frame, layout.labelPx);
    while (tall > 1.0
           && gridHeight(Side::Uncached, tall, frame, layout.labelPx) + kGap
                   + gridHeight(Side::Cached, tall, frame, layout.labelPx)
               > body.height())
        tall *= 0.97;
    if (wide >= tall) {
        layout.uncached = fitGrid(Side::Uncached, left, frame, layout.labelPx, wide);
        layout.cached = fitGrid(Side::Cached, right, frame, layout.labelPx, wide);
    } else {
        const double topH = gridHeight(Side::Uncached, tall, frame, layout.labelPx);
        const QRectF top(body.topLeft(), QSizeF(body.width(), topH));
        const QRectF below(body.left(), body.top() + topH + kGap, body.width(), body.height() - topH - kGap);
        layout.uncached = fitGrid(Side::Uncached, top, frame, layout.labelPx, tall);
        layout.cached = fitGrid(Side::Cached, below, frame, layout.labelPx, tall);
    }
    return layout;
}

std::optional<std::pair<int, int>> AllHeadsDiagram::headAt(const QRectF& rect, const Frame& frame, QPointF point) const
{
    if (!frame.valid())
        return std::nullopt;
    const Layout place = layout(rect, frame);
    const kv::ModelConfig& config = frame.lesson->config();
    for (const Grid* grid : {&place.uncached, &place.cached})
        for (int layer = 0; layer < config.nLayer; ++layer)
            for (int head = 0; head < config.nHead; ++head)
                if (grid->cellRect(layer, head).contains(point))
                    return std::make_pair(layer, head);
    return std::nullopt;
}

void AllHeadsDiagram::paint(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    if (!frame.valid())
        return;
    const Layout place = layout(rect, frame);
    const kv::ModelConfig& config = frame.lesson->config();
    painter.save();
    const double headPx = place.labelPx * 1.15;
    const QFontMetricsF metrics(pixelFont(headPx));
    QRectF line(place.heading.topLeft(), QSizeF(place.heading.width(), metrics.lineSpacing()));
    const QString title = tr("All heads at step %1: %2 layers × %3 query heads, attention weights")
                              .arg(frame.step)
                              .arg(config.nLayer)
                              .arg(config.nHead);
    const QString groups = config.queriesPerKvHead() > 1
        ? tr("Grouped: each %1 query heads share one KV head (GQA). Click a head to show it in the panes.")
              .arg(config.queriesPerKvHead())
        : tr("Each query head has its own KV head (MHA). Click a head to show it in the panes.");
    painter.setPen(frame.theme.text);
    painter.setFont(pixelFont(headPx, true));
    painter.drawText(line, Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetricsF(painter.font()).elidedText(title, Qt::ElideRight, line.width()));
    painter.setFont(pixelFont(headPx));
    line.translate(0, metrics.lineSpacing());
    painter.drawText(line, Qt::AlignLeft | Qt::AlignVCenter, metrics.elidedText(groups, Qt::ElideRight, line.width()));
    paintGrid(painter, place.uncached, frame, place.labelPx);
    paintGrid(painter, place.cached, frame, place.labelPx);
    painter.restore();
}

void AllHeadsDiagram::paintGrid(QPainter& painter, const Grid& grid, const Frame& frame, double labelPx) const
{
    const kv::ModelConfig& config = frame.lesson->config();
    const kv::PassHeads& heads = frame.passHeads(modeOf(grid.side));
    const HeatmapImage colours(frame.theme, HeatmapImage::Ramp::Sequential, 1.0);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    const int maxCols = std::max(1, static_cast<int>(std::ceil(grid.cellW)));
    const int maxRows = std::max(1, static_cast<int>(std::ceil(grid.cellH)));
    for (int layer = 0; layer < config.nLayer; ++layer)
        for (int head = 0; head < config.nHead; ++head) {
            const kv::HeadRecord& record = heads.head(layer, head, config.nHead);
            const kv::Matrix& weights = record.weights; // (query rows, keys): a view, no copy
            const kv::ConstMatrixView view = columnsOf(weights.data(), static_cast<int>(weights.rows()),
                                                       static_cast<int>(weights.cols()), 0, static_cast<int>(weights.cols()));
            const QRectF cell = grid.cellRect(layer, head);
            painter.drawImage(cell, colours.render(view, HeatmapImage::pooled(static_cast<int>(weights.rows()), maxRows),
                                                   maxCols, record.appendedFrom));
        }
    const QRectF selected = grid.cellRect(frame.layer, frame.head).adjusted(-1.5, -1.5, 1.5, 1.5);
    painter.setPen(QPen(frame.theme.highlight, 2.5));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(selected);
    paintLabels(painter, grid, frame, labelPx);
}

void AllHeadsDiagram::paintLabels(QPainter& painter, const Grid& grid, const Frame& frame, double labelPx) const
{
    const kv::ModelConfig& config = frame.lesson->config();
    const QFont font = pixelFont(labelPx);
    const QFontMetricsF metrics(font);
    painter.setFont(pixelFont(labelPx, true));
    painter.setPen(grid.side == Side::Cached ? frame.theme.cachedAccent : frame.theme.uncachedAccent);
    const QRectF titleRect(grid.area.left(), grid.area.top(), grid.area.width(), metrics.height());
    painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetricsF(painter.font()).elidedText(gridTitle(grid.side, keyCount(frame)), Qt::ElideRight,
                                                             titleRect.width()));
    painter.setFont(font);
    painter.setPen(frame.theme.mutedText);
    // Layers down the left, thinned to the ones that fit.
    const double layerPitch = grid.cellRect(1 % config.nLayer, 0).top() - grid.cellRect(0, 0).top();
    const int layerStride = layerPitch > 0 ? std::max(1, static_cast<int>(std::ceil(metrics.height() / layerPitch))) : 1;
    for (int layer = 0; layer < config.nLayer; layer += layerStride) {
        const QRectF cell = grid.cellRect(layer, 0);
        painter.drawText(QRectF(grid.area.left(), cell.center().y() - metrics.height() / 2,
                                cell.left() - grid.area.left() - 3, metrics.height()),
                         Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("L%1").arg(layer));
    }
    // Query heads above each cell, thinned; their KV group above them, with a bracket.
    const double headRowY = grid.origin.y() - metrics.height() - 2;
    const double headW = metrics.horizontalAdvance(QString::number(config.nHead - 1)) + 3;
    const int headStride = std::max(1, static_cast<int>(std::ceil(headW / (grid.cellW + grid.gapX))));
    for (int head = 0; head < config.nHead; head += headStride) {
        const QRectF cell = grid.cellRect(0, head);
        painter.drawText(QRectF(cell.left(), headRowY, std::max(cell.width(), headW), metrics.height()),
                         Qt::AlignLeft | Qt::AlignBottom, QString::number(head));
    }
    if (grid.queriesPerGroup == 1)
        return; // one KV head per query head: the head numbers say it
    const double groupY = headRowY - metrics.height() - 2;
    const QColor groupColour = frame.theme.text;
    for (int group = 0; group < config.nKvHead; ++group) {
        const QRectF first = grid.cellRect(0, group * grid.queriesPerGroup);
        const QRectF last = grid.cellRect(0, (group + 1) * grid.queriesPerGroup - 1);
        const QRectF span(first.left(), groupY, last.right() - first.left(), metrics.height());
        const QString text = QStringLiteral("KV%1").arg(group);
        painter.setPen(QPen(groupColour, 1));
        painter.drawLine(QPointF(span.left(), span.bottom()), QPointF(span.right(), span.bottom()));
        if (metrics.horizontalAdvance(text) + 2 <= span.width() + grid.groupGap)
            painter.drawText(span, Qt::AlignLeft | Qt::AlignVCenter, text);
    }
}

QString AllHeadsDiagram::tooltipAt(const QRectF& rect, const Frame& frame, QPointF point) const
{
    if (!frame.valid())
        return {};
    const Layout place = layout(rect, frame);
    const kv::ModelConfig& config = frame.lesson->config();
    for (const Grid* grid : {&place.uncached, &place.cached})
        for (int layer = 0; layer < config.nLayer; ++layer)
            for (int head = 0; head < config.nHead; ++head) {
                const QRectF cell = grid->cellRect(layer, head);
                if (!cell.contains(point))
                    continue;
                const kv::HeadRecord& record = frame.passHeads(modeOf(grid->side)).head(layer, head, config.nHead);
                const int rows = static_cast<int>(record.weights.rows());
                const int keys = static_cast<int>(record.weights.cols());
                const int row = std::clamp(static_cast<int>((point.y() - cell.top()) / cell.height() * rows), 0, rows - 1);
                const int key = std::clamp(static_cast<int>((point.x() - cell.left()) / cell.width() * keys), 0, keys - 1);
                const kv::StepRecord& step = frame.record(modeOf(grid->side));
                const int query = record.appendedFrom + row;
                const QString word = frame.lesson->token(step.keyTokens.at(static_cast<std::size_t>(key)));
                const QString weight = key > query ? tr("masked")
                                                   : QString::number(static_cast<double>(record.weights(row, key)), 'f', 4);
                return tr("Layer %1 · head %2 (KV head %3) · query %4 → key %5 \"%6\": weight %7 · click to show this head")
                    .arg(layer)
                    .arg(head)
                    .arg(record.kvHead)
                    .arg(query)
                    .arg(key)
                    .arg(word)
                    .arg(weight);
            }
    return {};
}

} // namespace kvlab
