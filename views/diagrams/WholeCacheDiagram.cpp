#include "views/diagrams/WholeCacheDiagram.h"

#include "views/diagrams/ByteText.h"
#include "core/model/CostModel.h"
#include "views/diagrams/HeatmapImage.h"
#include "core/cache/KVCache.h"
#include "views/diagrams/SequenceWindow.h"
#include "views/style/Typography.h"

#include <QFontMetricsF>
#include <QLinearGradient>

#include <algorithm>
#include <cmath>

namespace kvlab {

namespace {

constexpr double kMaxCellPx = 28.0; // tiny models: cells no larger than this
constexpr double kMinRowPx = 1.0;   // below one pixel per token, the sequence is windowed
constexpr double kMargin = 8.0;
constexpr auto kBytesPerValue = static_cast<std::int64_t>(sizeof(kv::Matrix::Scalar));

using Side = WholeCacheDiagram::Side;
using Grid = WholeCacheDiagram::Grid;

const kv::KVCache& cacheOf(const Frame& frame)
{
    return *frame.lesson->run.cachedCache;
}

int heldTokens(const Frame& frame, Side side)
{
    const kv::DecodeMode mode = side == Side::Cached ? kv::DecodeMode::Cached : kv::DecodeMode::Uncached;
    return static_cast<int>(frame.lesson->run.stepCount() == 0 ? 0
                                : (mode == kv::DecodeMode::Cached ? frame.lesson->run.cached : frame.lesson->run.uncached)
                                      .steps.at(static_cast<std::size_t>(frame.step))
                                      .keyTokens.size());
}

// The K (which 0) or V (1) rows a block shows: the cache's, or what the uncached pass rebuilt.
kv::ConstMatrixView blockData(const Frame& frame, Side side, int layer, int kvHead, int which)
{
    const kv::ModelConfig& config = frame.lesson->config();
    const int headDim = config.headDim();
    if (side == Side::Cached) {
        const kv::KVCache& cache = cacheOf(frame);
        const auto& rows = which == 0 ? cache.keys(layer) : cache.values(layer);
        return columnsOf(rows.data(), static_cast<int>(rows.rows()), static_cast<int>(rows.outerStride()),
                         kvHead * headDim, headDim);
    }
    const kv::HeadRecord& head
        = frame.passHeads(kv::DecodeMode::Uncached).head(layer, kvHead * config.queriesPerKvHead(), config.nHead);
    const kv::Matrix& rows = which == 0 ? head.keys : head.values;
    return columnsOf(rows.data(), static_cast<int>(rows.rows()), static_cast<int>(rows.cols()), 0, headDim);
}

// The largest |value| in the cache's first `tokens` rows: full colour on both grids.
double valueRange(const Frame& frame, int tokens)
{
    const kv::KVCache& cache = cacheOf(frame);
    double range = 0.0;
    for (int layer = 0; layer < cache.layers(); ++layer) {
        const int rows = std::min(tokens, cache.length(layer));
        if (rows == 0)
            continue;
        range = std::max<double>(range, cache.keys(layer).topRows(rows).cwiseAbs().maxCoeff());
        range = std::max<double>(range, cache.values(layer).topRows(rows).cwiseAbs().maxCoeff());
    }
    return range;
}

QString areaTitle(const Frame& frame, Side side, int tokens)
{
    if (side == Side::Cached)
        return WholeCacheDiagram::tr("With KV cache: held, %1 tokens, %2")
            .arg(tokens)
            .arg(decimalBytes(WholeCacheDiagram::bytes(frame).total));
    return WholeCacheDiagram::tr("Without KV cache: all %1 tokens recomputed, none kept").arg(tokens);
}

// The heading: what the picture shows, the bytes, and the price.
QStringList headingLines(const Frame& frame)
{
    const kv::ModelConfig& config = frame.lesson->config();
    const WholeCacheDiagram::Bytes held = WholeCacheDiagram::bytes(frame);
    const auto [appendedFrom, appendedTo] = WholeCacheDiagram::appendedRows(frame);
    return {WholeCacheDiagram::tr("The whole KV cache at step %1: %2 layers × %3 KV heads, each block K | V of %4 tokens × %5 dims")
                .arg(frame.step)
                .arg(config.nLayer)
                .arg(config.nKvHead)
                .arg(held.tokens)
                .arg(config.headDim()),
            WholeCacheDiagram::bytesLine(frame),
            WholeCacheDiagram::tr("The price is memory: with the cache this step computes K and V of %1 new token(s) and "
                                  "keeps %2; without it, K and V of all %3 tokens are computed again in every layer, and "
                                  "nothing is kept.")
                .arg(appendedTo - appendedFrom)
                .arg(decimalBytes(held.total))
                .arg(heldTokens(frame, Side::Uncached))};
}

// Each heading line's height, wrapped to `width`: the first one bold.
std::vector<double> headingHeights(const QStringList& lines, double width, double px)
{
    std::vector<double> heights;
    for (int i = 0; i < lines.size(); ++i) {
        const QFontMetricsF metrics(pixelFont(px, i == 0));
        heights.push_back(metrics.boundingRect(QRectF(0, 0, width, 1e6), Qt::TextWordWrap, lines[i]).height());
    }
    return heights;
}

// Fits one side's grid into `area` (its title and labels included).
Grid fitGrid(Side side, const QRectF& area, const Frame& frame, double labelPx)
{
    const kv::ModelConfig& config = frame.lesson->config();
    Grid grid;
    grid.side = side;
    grid.area = area;
    grid.headDim = config.headDim();
    grid.tokens = heldTokens(frame, side);
    const int layers = config.nLayer;
    const int kvHeads = config.nKvHead;
    const QFontMetricsF metrics(pixelFont(labelPx));
    const double labelW = metrics.horizontalAdvance(QStringLiteral("L%1 ").arg(layers - 1));
    const double top = area.top() + 2 * metrics.height() + 4; // title, then KV head labels
    const QRectF room(area.left() + labelW, top, area.width() - labelW, area.bottom() - top);

    grid.gapX = kvHeads > 1 ? std::clamp(room.width() * 0.012, 2.0, 10.0) : 0.0;
    grid.innerGap = std::clamp(room.width() * 0.004, 1.0, 4.0);
    grid.gapY = layers > 1 ? std::clamp(room.height() * 0.012, 2.0, 10.0) : 0.0;
    const double columnsWidth = room.width() - (kvHeads - 1) * grid.gapX - kvHeads * grid.innerGap;
    grid.dimPx = std::min(kMaxCellPx, std::max(0.05, columnsWidth / (2.0 * grid.headDim * kvHeads)));

    const int finalTokens = cacheOf(frame).length();
    const double layerH = std::max(1.0, (room.height() - (layers - 1) * grid.gapY) / layers);
    if (finalTokens * kMinRowPx <= layerH) {
        grid.tokenPx = std::min(kMaxCellPx, layerH / std::max(1, finalTokens));
        grid.frameSlots = std::max(1, finalTokens);
        grid.drawn = SequenceWindow::all(grid.tokens).keySlots();
    } else {
        const int fit = std::max(3, static_cast<int>(std::floor(layerH / kMinRowPx)));
        grid.tokenPx = layerH / fit;
        grid.frameSlots = fit;
        // The band of hidden tokens is as tall as the words saying how many.
        const int bandSlots = std::clamp(static_cast<int>(std::ceil(metrics.height() * 1.1 / grid.tokenPx)), 1, fit / 3);
        const SequenceWindow window = SequenceWindow::around(grid.tokens, fit - bandSlots);
        for (int token : window.keySlots())
            grid.drawn.insert(grid.drawn.end(), token < 0 ? bandSlots : 1, token);
        grid.hiddenTokens = window.hidden();
    }
    if (grid.dimPx >= 3.0 && grid.tokenPx >= 3.0)
        grid.dimPx = grid.tokenPx = std::min(grid.dimPx, grid.tokenPx); // square cells while cells show

    const double gridW = kvHeads * grid.blockWidth() + (kvHeads - 1) * grid.gapX;
    grid.origin = QPointF(room.left() + std::max(0.0, (room.width() - gridW) / 2), room.top());
    return grid;
}

// One key entry's width: swatch, gap, words, gap to the next.
double keyEntryWidth(const WholeCacheDiagram::KeyEntry& entry, double px)
{
    const double swatch = entry.swatch == WholeCacheDiagram::KeyEntry::Swatch::Ramp ? 4 * px : 1.4 * px;
    return swatch + 0.5 * px + QFontMetricsF(pixelFont(px)).horizontalAdvance(entry.text) + 1.5 * px;
}

// The key's entries flowed into lines of `width`: where each one starts.
std::vector<QPointF> keyPositions(const std::vector<WholeCacheDiagram::KeyEntry>& entries, double width, double px)
{
    const double lineH = QFontMetricsF(pixelFont(px)).height() * 1.3;
    std::vector<QPointF> at;
    QPointF next(0, 0);
    for (const auto& entry : entries) {
        const double w = keyEntryWidth(entry, px);
        if (next.x() > 0 && next.x() + w > width)
            next = QPointF(0, next.y() + lineH);
        at.push_back(next);
        next.rx() += w;
    }
    return at;
}

double keyHeight(const std::vector<WholeCacheDiagram::KeyEntry>& entries, double width, double px)
{
    const double lineH = QFontMetricsF(pixelFont(px)).height() * 1.3;
    return keyPositions(entries, width, px).back().y() + lineH;
}

} // namespace

QRectF Grid::blockRect(int layer, int kvHead) const
{
    return QRectF(origin.x() + kvHead * (blockWidth() + gapX), origin.y() + layer * (blockHeight() + gapY),
                  blockWidth(), blockHeight());
}

QRectF Grid::halfRect(int layer, int kvHead, int which) const
{
    const QRectF block = blockRect(layer, kvHead);
    const double left = block.left() + which * (halfWidth() + innerGap);
    return QRectF(left, block.top(), halfWidth(), static_cast<double>(drawn.size()) * tokenPx);
}

std::pair<int, int> Grid::slotsFrom(int from) const
{
    int first = -1;
    int last = -1;
    for (int slot = 0; slot < static_cast<int>(drawn.size()); ++slot) {
        const int token = drawn[static_cast<std::size_t>(slot)];
        if (token >= from || (token < 0 && first >= 0)) {
            if (first < 0)
                first = slot;
            last = slot + 1;
        }
    }
    if (first < 0)
        return {0, 0};
    return {first, last};
}

QRectF Grid::bandRect(int layer, int kvHead) const
{
    const auto first = std::find(drawn.begin(), drawn.end(), -1);
    if (first == drawn.end())
        return {};
    const auto bandSlots = std::count(drawn.begin(), drawn.end(), -1);
    const QRectF block = blockRect(layer, kvHead);
    return QRectF(block.left(), block.top() + static_cast<double>(first - drawn.begin()) * tokenPx, block.width(),
                  static_cast<double>(bandSlots) * tokenPx);
}

QString WholeCacheDiagram::bandText(int hiddenTokens)
{
    return tr("… %1 tokens …").arg(hiddenTokens);
}

WholeCacheDiagram::BandWords WholeCacheDiagram::bandWords(const QRectF& band, int hiddenTokens, double labelPx)
{
    // The words at the largest size up to the labels' at which they fit the block.
    double px = std::min(labelPx, band.height() / 1.25);
    QString shown = bandText(hiddenTokens);
    if (QFontMetricsF(pixelFont(px)).horizontalAdvance(shown) > band.width() - 2)
        shown = QStringLiteral("…%1…").arg(hiddenTokens);
    const double natural = QFontMetricsF(pixelFont(px)).horizontalAdvance(shown);
    if (natural > band.width() - 2)
        px = std::floor(px * (band.width() - 2) / natural);
    if (px < kMinBandPx)
        return {shown, 0.0};
    return {shown, px};
}

std::vector<WholeCacheDiagram::KeyEntry> WholeCacheDiagram::colourKey(const Frame& frame)
{
    using Swatch = KeyEntry::Swatch;
    std::vector<KeyEntry> entries{
        {Swatch::Ramp, QColor(), tr("value of K or V: − 0 +")},
        {Swatch::Outline, frame.theme.stateColor(CellState::New), tr("appended at this step")},
        {Swatch::Outline, frame.theme.stateColor(CellState::Recomputed), tr("recomputed without a cache")},
    };
    if (frame.lesson->run.staleCacheRows > 0)
        entries.push_back({Swatch::Filled, frame.theme.stateColor(CellState::Stale), tr("stale: left by an earlier prompt")});
    entries.push_back({Swatch::Filled, frame.theme.background, tr("… N tokens …: not drawn, to fit")});
    return entries;
}

WholeCacheDiagram::Bytes WholeCacheDiagram::bytes(const Frame& frame)
{
    const kv::ModelConfig& config = frame.lesson->config();
    Bytes bytes;
    bytes.tokens = heldTokens(frame, Side::Cached);
    bytes.perBlock = kv::CostModel::kvBytes(1, 1, config.headDim(), bytes.tokens, 1, kBytesPerValue);
    bytes.perLayer = kv::CostModel::kvBytes(1, config.nKvHead, config.headDim(), bytes.tokens, 1, kBytesPerValue);
    bytes.total = kv::CostModel(config).kvBytes(bytes.tokens, 1, kBytesPerValue);
    return bytes;
}

QString WholeCacheDiagram::bytesLine(const Frame& frame)
{
    const kv::ModelConfig& config = frame.lesson->config();
    const Bytes held = bytes(frame);
    return tr("Per block: 2 (K and V) × %1 B × %2 tokens × %3 dims = %4 · per layer (%5 blocks): %6 · "
              "total (%7 layers): %8")
        .arg(kBytesPerValue)
        .arg(held.tokens)
        .arg(config.headDim())
        .arg(exactBytes(held.perBlock))
        .arg(config.nKvHead)
        .arg(exactBytes(held.perLayer))
        .arg(config.nLayer)
        .arg(bytesText(held.total));
}

std::pair<int, int> WholeCacheDiagram::appendedRows(const Frame& frame)
{
    const kv::StepRecord& record = frame.lesson->run.cached.steps.at(static_cast<std::size_t>(frame.step));
    const int held = static_cast<int>(record.keyTokens.size());
    return {held - static_cast<int>(record.inputTokens.size()), held};
}

int WholeCacheDiagram::blockCount(const Frame& frame)
{
    return frame.lesson->config().nLayer * frame.lesson->config().nKvHead;
}

WholeCacheDiagram::Layout WholeCacheDiagram::layout(const QRectF& rect, const Frame& frame) const
{
    Layout layout;
    const QRectF inner = rect.adjusted(kMargin, kMargin, -kMargin, -kMargin);
    layout.labelPx = std::clamp(std::min(inner.width(), inner.height()) / 60.0, 9.0, 13.0) * frame.theme.typeScale;
    const std::vector<double> heights = headingHeights(headingLines(frame), inner.width(), layout.labelPx * 1.15);
    double headingH = 8;
    for (double height : heights)
        headingH += height;
    layout.heading = QRectF(inner.topLeft(), QSizeF(inner.width(), headingH));
    const double keyH = keyHeight(colourKey(frame), inner.width(), layout.labelPx);
    layout.key = QRectF(inner.left(), inner.bottom() - keyH, inner.width(), keyH);
    const QRectF body(inner.left(), inner.top() + headingH, inner.width(), inner.height() - headingH - keyH - 4);
    // Side by side or one above the other: whichever draws more of the cache, larger.
    constexpr double kGap = 16;
    const double width = (body.width() - kGap) / 2;
    const double height = (body.height() - kGap) / 2;
    const Grid wideCached = fitGrid(Side::Cached, QRectF(body.topLeft(), QSizeF(width, body.height())), frame, layout.labelPx);
    const Grid tallCached = fitGrid(Side::Cached, QRectF(body.topLeft(), QSizeF(body.width(), height)), frame, layout.labelPx);
    const auto shown = [&frame](const Grid& grid) {
        const double rows = std::min<double>(grid.frameSlots, std::max(1, cacheOf(frame).length()));
        return grid.dimPx * grid.tokenPx * rows;
    };
    if (shown(wideCached) >= shown(tallCached)) {
        layout.cached = wideCached;
        layout.uncached = fitGrid(Side::Uncached, QRectF(QPointF(body.right() - width, body.top()), QSizeF(width, body.height())),
                                  frame, layout.labelPx);
    } else {
        layout.cached = tallCached;
        layout.uncached = fitGrid(Side::Uncached, QRectF(QPointF(body.left(), body.bottom() - height), QSizeF(body.width(), height)),
                                  frame, layout.labelPx);
    }
    return layout;
}

void WholeCacheDiagram::paint(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    if (!frame.valid() || !frame.lesson->run.cachedCache)
        return;
    const Layout place = layout(rect, frame);
    painter.save();
    const double headPx = place.labelPx * 1.15;
    const QStringList lines = headingLines(frame);
    const std::vector<double> heights = headingHeights(lines, place.heading.width(), headPx);
    double top = place.heading.top();
    painter.setPen(frame.theme.text);
    for (int i = 0; i < lines.size(); ++i) {
        painter.setFont(pixelFont(headPx, i == 0));
        const QRectF box(place.heading.left(), top, place.heading.width(), heights[static_cast<std::size_t>(i)]);
        painter.drawText(box, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, lines[i]);
        top += box.height();
    }
    paintGrid(painter, place.cached, frame, place.labelPx);
    paintGrid(painter, place.uncached, frame, place.labelPx);
    paintKey(painter, place.key, frame, place.labelPx);
    painter.restore();
}

void WholeCacheDiagram::paintGrid(QPainter& painter, const Grid& grid, const Frame& frame, double labelPx) const
{
    const QFontMetricsF metrics(pixelFont(labelPx, true));
    painter.setFont(pixelFont(labelPx, true));
    painter.setPen(grid.side == Side::Cached ? frame.theme.cachedAccent : frame.theme.uncachedAccent);
    const QRectF titleRect(grid.area.left(), grid.area.top(), grid.area.width(), metrics.height());
    painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                     metrics.elidedText(areaTitle(frame, grid.side, grid.tokens), Qt::ElideRight, titleRect.width()));
    paintBlocks(painter, grid, frame);
    paintMarks(painter, grid, frame);
    paintBands(painter, grid, frame, labelPx);
    paintLabels(painter, grid, frame, labelPx);
}

void WholeCacheDiagram::paintBands(QPainter& painter, const Grid& grid, const Frame& frame, double labelPx) const
{
    if (grid.hiddenTokens == 0)
        return;
    const kv::ModelConfig& config = frame.lesson->config();
    for (int layer = 0; layer < config.nLayer; ++layer)
        for (int kvHead = 0; kvHead < config.nKvHead; ++kvHead) {
            const QRectF band = grid.bandRect(layer, kvHead);
            painter.fillRect(band, frame.theme.background);
            const BandWords words = bandWords(band, grid.hiddenTokens, labelPx);
            if (words.px <= 0)
                continue; // the tooltip still says how many
            painter.setFont(pixelFont(words.px));
            painter.setPen(frame.theme.mutedText);
            painter.drawText(band, Qt::AlignCenter, words.text);
        }
}

void WholeCacheDiagram::paintKey(QPainter& painter, const QRectF& key, const Frame& frame, double labelPx) const
{
    using Swatch = KeyEntry::Swatch;
    const std::vector<KeyEntry> entries = colourKey(frame);
    const std::vector<QPointF> at = keyPositions(entries, key.width(), labelPx);
    const QFontMetricsF metrics(pixelFont(labelPx));
    painter.setFont(pixelFont(labelPx));
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const KeyEntry& entry = entries[i];
        const QPointF origin = key.topLeft() + at[i];
        const double swatchW = entry.swatch == Swatch::Ramp ? 4 * labelPx : 1.4 * labelPx;
        const QRectF swatch(origin.x(), origin.y() + (metrics.height() - labelPx) / 2, swatchW, labelPx);
        if (entry.swatch == Swatch::Ramp) {
            QLinearGradient gradient(swatch.left(), 0, swatch.right(), 0);
            gradient.setColorAt(0.0, frame.theme.negative);
            gradient.setColorAt(0.5, frame.theme.neutral);
            gradient.setColorAt(1.0, frame.theme.positive);
            painter.setPen(QPen(frame.theme.grid, 1));
            painter.setBrush(gradient);
            painter.drawRect(swatch);
        } else if (entry.swatch == Swatch::Outline) {
            painter.setPen(QPen(entry.colour, 2.5));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(swatch.adjusted(1.25, 1.25, -1.25, -1.25));
        } else {
            painter.setPen(QPen(frame.theme.grid, 1));
            painter.setBrush(entry.colour);
            painter.drawRect(swatch);
        }
        painter.setPen(frame.theme.text);
        painter.drawText(QRectF(swatch.right() + 0.5 * labelPx, origin.y(), key.width(), metrics.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, entry.text);
    }
}

void WholeCacheDiagram::paintBlocks(QPainter& painter, const Grid& grid, const Frame& frame) const
{
    const kv::ModelConfig& config = frame.lesson->config();
    const HeatmapImage colours(frame.theme, HeatmapImage::Ramp::Diverging, valueRange(frame, heldTokens(frame, Side::Cached)));
    const HeatmapImage::RowRanges rows = HeatmapImage::perSlot(grid.drawn);
    const int maxCols = std::max(1, static_cast<int>(std::ceil(grid.headDim * grid.dimPx)));
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    for (int layer = 0; layer < config.nLayer; ++layer) {
        for (int kvHead = 0; kvHead < config.nKvHead; ++kvHead) {
            painter.setPen(QPen(frame.theme.grid, 1));
            painter.setBrush(Qt::NoBrush);
            for (int which = 0; which < 2; ++which) {
                const QRectF half = grid.halfRect(layer, kvHead, which);
                painter.drawRect(QRectF(half.topLeft(), QSizeF(half.width(), grid.blockHeight())));
                if (!grid.drawn.empty())
                    painter.drawImage(half, colours.render(blockData(frame, grid.side, layer, kvHead, which), rows, maxCols));
            }
        }
    }
}

void WholeCacheDiagram::paintMarks(QPainter& painter, const Grid& grid, const Frame& frame) const
{
    const kv::ModelConfig& config = frame.lesson->config();
    const double pen = std::clamp(grid.tokenPx / 2, 1.0, 2.5);
    const auto outline = [&](std::pair<int, int> drawn, const QColor& colour, bool fill) {
        if (drawn.second <= drawn.first)
            return;
        for (int layer = 0; layer < config.nLayer; ++layer)
            for (int kvHead = 0; kvHead < config.nKvHead; ++kvHead) {
                const QRectF block = grid.blockRect(layer, kvHead);
                const QRectF band(block.left(), block.top() + drawn.first * grid.tokenPx, block.width(),
                                  (drawn.second - drawn.first) * grid.tokenPx);
                if (fill) {
                    QColor tint = colour;
                    tint.setAlpha(110);
                    painter.fillRect(band, tint);
                }
                painter.setPen(QPen(colour, pen));
                painter.setBrush(Qt::NoBrush);
                painter.drawRect(band);
            }
    };
    if (grid.side == Side::Uncached) {
        outline({0, static_cast<int>(grid.drawn.size())}, frame.theme.stateColor(CellState::Recomputed), false);
        return;
    }
    const int stale = frame.lesson->run.staleCacheRows;
    if (stale > 0) {
        auto staleSlots = grid.slotsFrom(0);
        const auto after = grid.slotsFrom(stale);
        staleSlots.second = after.second > after.first ? after.first : staleSlots.second;
        outline(staleSlots, frame.theme.stateColor(CellState::Stale), true);
    }
    outline(grid.slotsFrom(appendedRows(frame).first), frame.theme.stateColor(CellState::New), false);
}

void WholeCacheDiagram::paintLabels(QPainter& painter, const Grid& grid, const Frame& frame, double labelPx) const
{
    const kv::ModelConfig& config = frame.lesson->config();
    const QFont font = pixelFont(labelPx);
    const QFontMetricsF metrics(font);
    painter.setFont(font);
    painter.setPen(frame.theme.mutedText);
    const double layerPitch = grid.blockHeight() + grid.gapY;
    const int layerStride = std::max(1, static_cast<int>(std::ceil(metrics.height() / std::max(1.0, layerPitch))));
    for (int layer = 0; layer < config.nLayer; layer += layerStride) {
        const QRectF block = grid.blockRect(layer, 0);
        const QRectF label(grid.area.left(), block.top(), block.left() - grid.area.left() - 3, metrics.height());
        painter.drawText(label, Qt::AlignRight | Qt::AlignTop, QStringLiteral("L%1").arg(layer));
    }
    const double headPitch = grid.blockWidth() + grid.gapX;
    const QString widest = QStringLiteral("KV%1").arg(config.nKvHead - 1);
    const bool spelled = metrics.horizontalAdvance(tr("KV %1: K | V").arg(config.nKvHead - 1)) + 4 <= headPitch;
    const double labelW = spelled ? headPitch : metrics.horizontalAdvance(widest) + 4;
    const int headStride = std::max(1, static_cast<int>(std::ceil(labelW / std::max(1.0, headPitch))));
    for (int kvHead = 0; kvHead < config.nKvHead; kvHead += headStride) {
        const QRectF block = grid.blockRect(0, kvHead);
        const QString text = spelled ? tr("KV %1: K | V").arg(kvHead) : QStringLiteral("KV%1").arg(kvHead);
        const QRectF label(block.left(), block.top() - metrics.height() - 2, std::max(block.width(), labelW), metrics.height());
        painter.drawText(label, Qt::AlignLeft | Qt::AlignBottom, text);
    }
}

QString WholeCacheDiagram::tooltipAt(const QRectF& rect, const Frame& frame, QPointF point) const
{
    if (!frame.valid() || !frame.lesson->run.cachedCache)
        return {};
    const Layout place = layout(rect, frame);
    const kv::ModelConfig& config = frame.lesson->config();
    for (const Grid* grid : {&place.cached, &place.uncached}) {
        for (int layer = 0; layer < config.nLayer; ++layer)
            for (int kvHead = 0; kvHead < config.nKvHead; ++kvHead)
                for (int which = 0; which < 2; ++which) {
                    // The band of hidden tokens spans both halves and the gap between them.
                    if (grid->hiddenTokens > 0 && grid->bandRect(layer, kvHead).contains(point))
                        return tr("%1 tokens are hidden here, to fit: hover the ones shown").arg(grid->hiddenTokens);
                    const QRectF half = grid->halfRect(layer, kvHead, which);
                    if (!half.contains(point))
                        continue;
                    const int slot = std::clamp(static_cast<int>((point.y() - half.top()) / grid->tokenPx), 0,
                                                static_cast<int>(grid->drawn.size()) - 1);
                    const int token = grid->drawn[static_cast<std::size_t>(slot)];
                    if (token < 0)
                        return tr("%1 tokens are hidden here, to fit: hover the ones shown").arg(grid->hiddenTokens);
                    const int dim = std::clamp(static_cast<int>((point.x() - half.left()) / grid->dimPx), 0,
                                               grid->headDim - 1);
                    const float value = blockData(frame, grid->side, layer, kvHead, which)(token, dim);
                    const kv::StepRecord& record = grid->side == Side::Cached
                        ? frame.lesson->run.cached.steps.at(static_cast<std::size_t>(frame.step))
                        : frame.record(kv::DecodeMode::Uncached);
                    const QString word = frame.lesson->token(record.keyTokens.at(static_cast<std::size_t>(token)));
                    const QString where = grid->side == Side::Cached ? tr("in the cache") : tr("recomputed this step");
                    return tr("Layer %1 · KV head %2 · token %3 \"%4\" · %5 dim %6 = %7 (%8)")
                        .arg(layer)
                        .arg(kvHead)
                        .arg(token)
                        .arg(word)
                        .arg(which == 0 ? QStringLiteral("K") : QStringLiteral("V"))
                        .arg(dim)
                        .arg(static_cast<double>(value), 0, 'f', 4)
                        .arg(where);
                }
    }
    return {};
}

} // namespace kvlab
