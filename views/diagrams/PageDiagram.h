#pragma once

#include "views/diagrams/AllHeadsDiagram.h"
#include "views/diagrams/AttentionDiagram.h"
#include "views/charts/ChartPainter.h"
#include "views/diagrams/Diagram.h"
#include "views/diagrams/ExportView.h"
#include "views/diagrams/LegendDiagram.h"
#include "views/diagrams/TokenStripDiagram.h"
#include "views/diagrams/WholeCacheDiagram.h"

#include <QCoreApplication>
#include <QFont>

namespace kvlab {

// One whole exported page: a view of a frame laid out to fill any rectangle,
// with an optional caption (step, phase, layer/head and one line of the
// narration). The single painting function behind PNG, SVG, PDF, the
// animation frames and the clipboard. A page is laid out on a canvas 1080
// units high (the strip: 1920 wide) and scaled to the target, so every size
// keeps the same proportion of type to drawing.
class PageDiagram : public Diagram {
    Q_DECLARE_TR_FUNCTIONS(PageDiagram)

public:
    struct Options {
        ExportView view = ExportView::Both;
        bool caption = true;      // the window layout has its own title and narration, so it never adds one
        bool transparent = false; // leave the page background unpainted (PNG)
        bool strip = true;        // the token strip above the panes or a chart (the window layout has its own)
        bool legend = true;       // the key to cell states and values below pages with matrices or the strip
    };

    explicit PageDiagram(Options options);

    void paint(QPainter& painter, const QRectF& rect, const Frame& frame) const override;
    QSizeF preferredSize() const override { return {1920, 1080}; }
    const Options& options() const { return m_options; }
    bool paintsCaption() const;
    bool paintsStrip() const;  // the token strip is added above this page's view
    bool paintsLegend() const; // the legend is added below this page's view

    // "Step 3 of 4 · phase 4/7: Scores · layer 0, head 0"
    static QString captionTitle(const Frame& frame);
    // As many whole sentences of the narration as fit one line of `width` in `font`, as plain text.
    static QString captionLine(const Frame& frame, const QFont& font, double width);

private:
    void paintView(QPainter& painter, const QRectF& rect, const Frame& frame) const;
    void paintPanes(QPainter& painter, const QRectF& rect, const Frame& frame) const;
    void paintStripAlone(QPainter& painter, const QRectF& rect, const Frame& frame) const;
    void paintWindow(QPainter& painter, const QRectF& rect, const Frame& frame) const;
    // Paints the strip and the legend the page carries around its view; returns the rect left for the view.
    QRectF paintKey(QPainter& painter, const QRectF& rect, const Frame& frame) const;
    // Paints the caption at the bottom of `rect` and returns what is left above it.
    QRectF paintCaption(QPainter& painter, const QRectF& rect, const Frame& frame) const;
    // Paints the demonstration's banner at the top of `rect`; returns its height (0: none).
    double paintBanner(QPainter& painter, const QRectF& rect, const Frame& frame) const;

    Options m_options;
    AttentionDiagram m_uncached{kv::DecodeMode::Uncached};
    AttentionDiagram m_cached{kv::DecodeMode::Cached};
    TokenStripDiagram m_strip;
    LegendDiagram m_legend;
    ChartPainter m_costChart{ChartPainter::Chart::CostPerStep};
    ChartPainter m_scalingChart{ChartPainter::Chart::CostVsLength};
    WholeCacheDiagram m_wholeCache;
    AllHeadsDiagram m_allHeads;
};

} // namespace kvlab
