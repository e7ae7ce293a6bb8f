#include "AllHeadsDiagram.h"

#include "HeatmapImage.h"
#include "Typography.h"

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
        ? AllHeadsDiagram::tr("With KV cache: the newest query row over all %1 keys").arg(keys)
        : AllHeadsDiagram::tr("Without KV cache: every query row again, the masked triangle of %1 × %1").arg(keys);
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

Grid fitGrid(Side side, const QRectF& area, const Frame& frame, double labelPx, double cellLimit)
{
    const kv::ModelConfig& config = frame.lesson->config();
    Grid grid;
    grid.side = side;
    grid.area = area;
    grid.queriesPerGroup = config.queriesPerKvHead();
    const int groups = config.nKvHead;
    const QFontMetricsF metrics(pixelFont(labelPx));
    const double labelW = metrics.horizontalAdvance(QStringLiteral("L%1 ").arg(config.nLayer - 1));
    const double top = area.top() + 3 * metrics.height() + 6; // title, KV group labels, head labels
    const QRectF room(area.left() + labelW, top, area.width() - labelW, area.bottom() - top);
    grid.gapX = grid.queriesPerGroup > 1 ? std::clamp(room.width() * 0.004, 1.0, 3.0) : 0.0;
    grid.groupGap = std::clamp(room.width() * 0.012, 3.0, 12.0);
    grid.gapY = std::clamp(room.height() * 0.01, 2.0, 8.0);
    const double gaps = (groups - 1) * grid.groupGap + groups * (grid.queriesPerGroup - 1) * grid.gapX;
    const double byWidth = (room.width() - gaps) / config.nHead;
    const double rows = cachedRows(frame);
    const double keys = std::max(1, keyCount(frame));
    // One cell size for both grids (the triangle's), so the two compare at a glance.
    grid.cellW = std::max(1.0, std::min({byWidth, cellLimit, kMaxCellPx}));
    grid.cellH = side == Side::Uncached ? grid.cellW
                                        : std::min(grid.cellW, std::max(kMinStripPx, grid.cellW * rows / keys));
    const double gridW = config.nHead * grid.cellW + gaps;
    grid.origin = QPointF(room.left() + std::max(0.0, (room.width() - gridW) / 2), room.top());
    return grid;
}

// The largest cell that lets the triangle grid's layers fit `height`.
double cellByHeight(const QRectF& area, const Frame& frame, double labelPx)
{
    const QFontMetricsF metrics(pixelFont(labelPx));
    const int layers = frame.lesson->config().nLayer;
    const double room = area.height() - (3 * metrics.height() + 6);
    const double gapY = std::clamp(room * 0.01, 2.0, 8.0);
    return std::max(1.0, (room - (layers - 1) * gapY) / layers);
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
    constexpr double kGap = 16;
    const double width = (body.width() - kGap) / 2;
    const QRectF left(body.topLeft(), QSizeF(width, body.height()));
    const QRectF right(QPointF(body.right() - width, body.top()), QSizeF(width, body.height()));
    const double limit = cellByHeight(left, frame, layout.labelPx);
    layout.uncached = fitGrid(Side::Uncached, left, frame, layout.labelPx, limit);
    layout.cached = fitGrid(Side::Cached, right, frame, layout.labelPx, limit);
    // Both grids take the smaller cell, so a head's triangle and its row are the same width.
    const double cell = std::min(layout.uncached.cellW, layout.cached.cellW);
    layout.uncached = fitGrid(Side::Uncached, left, frame, layout.labelPx, cell);
    layout.cached = fitGrid(Side::Cached, right, frame, layout.labelPx, cell);
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
