#pragma once

#include "views/diagrams/Diagram.h"

#include <QColor>
#include <QCoreApplication>

#include <cstdint>
#include <optional>
#include <vector>

namespace kvlab {

// The whole KV cache at one step: every layer x KV head as a block of K and
// V (tokens x head_dim heatmaps), filled up to the rows the cache holds at
// this step, this step's appended rows outlined, rows an earlier prompt left
// behind marked stale; the bytes per block, per layer and in total. Beside
// it, what the path without a cache builds again at this step: every layer's
// K and V of every token, the same grid marked "recomputed". The price of
// the cache is memory, and this picture is that price.
class WholeCacheDiagram : public Diagram {
    Q_DECLARE_TR_FUNCTIONS(WholeCacheDiagram)

public:
    enum class Side { Cached, Uncached };

    // What the step's cache costs, from the cost model.
    struct Bytes {
        int tokens = 0;
        std::int64_t perBlock = 0; // one layer's one KV head, K and V
        std::int64_t perLayer = 0;
        std::int64_t total = 0;
    };

    // Where one side's grid is drawn.
    struct Grid {
        Side side = Side::Cached;
        QRectF area;           // title, labels and grid
        QPointF origin;        // top-left of layer 0's KV head 0 block
        double dimPx = 1.0;    // width of one head_dim column
        double tokenPx = 1.0;  // height of one drawn row
        double innerGap = 2.0; // between K and V of a block
        double gapX = 4.0;     // between blocks
        double gapY = 4.0;     // between layers
        int headDim = 1;
        int tokens = 0;        // rows held (cached) or rebuilt (uncached) at this step
        std::vector<int> drawn;  // per drawn row: its token, -1 for the band of hidden tokens
        int frameSlots = 0;      // rows of the block's outline (the walk-through's final length, windowed)
        int hiddenTokens = 0;    // tokens the band stands for (0: none hidden)

        double halfWidth() const { return headDim * dimPx; }
        double blockWidth() const { return 2 * halfWidth() + innerGap; }
        double blockHeight() const { return frameSlots * tokenPx; }
        QRectF blockRect(int layer, int kvHead) const;
        // K (value 0) or V (1) of a block, its drawn rows only.
        QRectF halfRect(int layer, int kvHead, int which) const;
        // Drawn rows [firstSlot, lastSlot) of tokens >= `from`, empty when none are drawn.
        std::pair<int, int> slotsFrom(int from) const;
        // The band of hidden tokens in a block (empty when none are hidden): it says "… N tokens …".
        QRectF bandRect(int layer, int kvHead) const;
    };

    // One entry of the colour key: a swatch (an outline in a state's colour,
    // or the value ramp) and what it means.
    struct KeyEntry {
        enum class Swatch { Outline, Filled, Ramp };
        Swatch swatch = Swatch::Outline;
        QColor colour;
        QString text;
    };

    struct Layout {
        QRectF heading;
        Grid cached;
        Grid uncached;
        QRectF key; // the colour key, under both grids
        double labelPx = 11;
    };

    // "… 37 tokens …": what the band of hidden tokens says.
    static QString bandText(int hiddenTokens);
    // What a band of hidden tokens shows, and at what pixel size: the full
    // words, or "…37…" where they are too wide; px 0 when even that is too small.
    struct BandWords {
        QString text;
        double px = 0;
    };
    static constexpr double kMinBandPx = 6.0;
    static BandWords bandWords(const QRectF& band, int hiddenTokens, double labelPx);
    // What the colours of the picture mean, for this frame (stale rows only when there are some).
    static std::vector<KeyEntry> colourKey(const Frame& frame);

    static Bytes bytes(const Frame& frame);
    // "Per block … · per layer … · total …": the bytes line the diagram prints.
    static QString bytesLine(const Frame& frame);
    // Tokens [first, last) appended to the cache at this step: the rows outlined as new.
    static std::pair<int, int> appendedRows(const Frame& frame);
    static int blockCount(const Frame& frame);

    Layout layout(const QRectF& rect, const Frame& frame) const;
    void paint(QPainter& painter, const QRectF& rect, const Frame& frame) const override;
    QString tooltipAt(const QRectF& rect, const Frame& frame, QPointF point) const override;
    QSizeF preferredSize() const override { return {900, 640}; }

private:
    void paintGrid(QPainter& painter, const Grid& grid, const Frame& frame, double labelPx) const;
    void paintBlocks(QPainter& painter, const Grid& grid, const Frame& frame) const;
    void paintMarks(QPainter& painter, const Grid& grid, const Frame& frame) const;
    void paintLabels(QPainter& painter, const Grid& grid, const Frame& frame, double labelPx) const;
    void paintBands(QPainter& painter, const Grid& grid, const Frame& frame, double labelPx) const;
    void paintKey(QPainter& painter, const QRectF& key, const Frame& frame, double labelPx) const;
};

} // namespace kvlab
