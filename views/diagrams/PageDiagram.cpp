#include "views/diagrams/PageDiagram.h"

#include "views/playback/Narrator.h"
#include "views/style/Typography.h"

#include <QAbstractTextDocumentLayout>
#include <QFontMetricsF>
#include <QRegularExpression>
#include <QTextDocument>
#include <QTextDocumentFragment>

#include <cmath>

namespace kvlab {

namespace {

// The design canvas, in page units.
constexpr double kCanvasHeight = 1080;
constexpr double kCanvasMinWidth = 1200;
constexpr double kStripCanvasWidth = 1920;
constexpr double kMargin = 24;
constexpr double kGap = 12;
constexpr double kCaptionTitlePx = 24;
constexpr double kCaptionLinePx = 21;
constexpr double kNarrationPx = 21;
constexpr double kStepTitlePx = 24;
constexpr double kBannerPx = 20;
constexpr double kWindowStripHeight = 120;
constexpr double kLoneStripHeight = 260;
constexpr double kLegendHeight = 40;
// A pane's type grows with its width while its matrices are bound by its
// height: wider than this, a lone pane is centred instead of stretched.
constexpr double kLonePaneAspect = 1.3;

// Page units per target unit: pages are designed 1080 high (and at least
// 1200 wide); the lone strip is designed 1920 wide, as it is all width.
double canvasScale(ExportView view, const QSizeF& size)
{
    if (view == ExportView::Strip)
        return size.width() / kStripCanvasWidth;
    return std::min(size.height() / kCanvasHeight, size.width() / kCanvasMinWidth);
}

// How far right `diagram` draws when given `height`. The strip and the legend
// scale with their height and fill their whole rect, so paint once into a
// wide probe and find the last column that is not the fill.
double paintedWidth(const Diagram& diagram, double height, const Frame& frame, double probeWidth)
{
    QImage probe(QSize(static_cast<int>(std::ceil(probeWidth)), static_cast<int>(std::ceil(height))), QImage::Format_RGB32);
    probe.fill(Qt::black);
    {
        QPainter painter(&probe);
        diagram.paint(painter, QRectF(QPointF(0, 0), QSizeF(probe.size())), frame);
    }
    const QRgb fill = probe.pixel(probe.width() - 1, 0);
    for (int x = probe.width() - 1; x >= 0; --x)
        for (int y = 0; y < probe.height(); ++y)
            if (probe.pixel(x, y) != fill)
                return x + 1;
    return 0;
}

// The height at which `diagram` fits `width` with a gap to spare on the
// right; `wanted` when it fits already.
double fittedHeight(const Diagram& diagram, double wanted, double width, const Frame& frame)
{
    double height = wanted;
    for (int attempt = 0; attempt < 3; ++attempt) {
        const double needed = paintedWidth(diagram, height, frame, 3 * width) + kGap;
        if (needed <= width)
            break;
        height *= width / needed;
    }
    return height;
}

void layOutNarration(QTextDocument& document, const Frame& frame, double width)
{
    document.setDocumentMargin(0);
    document.setDefaultFont(pixelFont(kNarrationPx));
    document.setHtml(Narrator::narration(frame));
    document.setTextWidth(width);
}

void drawDocument(QPainter& painter, const QTextDocument& document, QPointF topLeft, const QColor& text)
{
    painter.save();
    painter.translate(topLeft);
    QAbstractTextDocumentLayout::PaintContext context;
    context.palette.setColor(QPalette::Text, text);
    document.documentLayout()->draw(&painter, context);
    painter.restore();
}

QRectF lonePaneRect(const QRectF& rect)
{
    const double width = std::min(rect.width(), rect.height() * kLonePaneAspect);
    return QRectF(rect.center().x() - width / 2, rect.top(), width, rect.height());
}

QStringList sentences(const QString& text)
{
    static const QRegularExpression boundary(QStringLiteral("(?<=[.!?])\\s+"));
    return text.split(boundary, Qt::SkipEmptyParts);
}

} // namespace

PageDiagram::PageDiagram(Options options)
    : m_options(options)
{
}

bool PageDiagram::paintsCaption() const
{
    return m_options.caption && m_options.view != ExportView::Window;
}

bool PageDiagram::paintsStrip() const
{
    return m_options.strip && m_options.view != ExportView::Window && m_options.view != ExportView::Strip;
}

bool PageDiagram::paintsLegend() const
{
    const ExportView view = m_options.view;
    const bool showsCells = view == ExportView::Both || view == ExportView::Uncached || view == ExportView::Cached
        || view == ExportView::Strip;
    return m_options.legend && showsCells;
}

QRectF PageDiagram::paintKey(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    QRectF body = rect;
    if (paintsStrip()) {
        // The strip fits its width itself (smaller type, then "… N …"), so it
        // keeps its height: shrunk to a probe's width it overflowed its rect.
        m_strip.paint(painter, QRectF(body.left(), body.top(), body.width(), kWindowStripHeight), frame);
        body.setTop(body.top() + kWindowStripHeight + kGap);
    }
    if (paintsLegend()) {
        const double height = fittedHeight(m_legend, kLegendHeight, body.width(), frame);
        m_legend.paint(painter, QRectF(body.left(), body.bottom() - height, body.width(), height), frame);
        body.setBottom(body.bottom() - height - kGap);
    }
    return body;
}

void PageDiagram::paint(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    if (!m_options.transparent)
        painter.fillRect(rect, frame.theme.background);
    const double scale = canvasScale(m_options.view, rect.size());
    if (frame.valid() && scale > 0) {
        painter.translate(rect.topLeft());
        painter.scale(scale, scale);
        QRectF body = QRectF(QPointF(0, 0), rect.size() / scale).adjusted(kMargin, kMargin, -kMargin, -kMargin);
        if (paintsCaption())
            body = paintCaption(painter, body, frame);
        body = paintKey(painter, body, frame);
        paintView(painter, body, frame);
    }
    painter.restore();
}

void PageDiagram::paintView(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    switch (m_options.view) {
    case ExportView::Both:
        paintPanes(painter, rect, frame);
        return;
    case ExportView::Uncached:
        m_uncached.paint(painter, lonePaneRect(rect), frame);
        return;
    case ExportView::Cached:
        m_cached.paint(painter, lonePaneRect(rect), frame);
        return;
    case ExportView::Strip:
        paintStripAlone(painter, rect, frame);
        return;
    case ExportView::Window:
        paintWindow(painter, rect, frame);
        return;
    case ExportView::CostChart:
        m_costChart.paint(painter, rect, frame);
        return;
    case ExportView::ScalingChart:
        m_scalingChart.paint(painter, rect, frame);
        return;
    case ExportView::WholeCache:
        m_wholeCache.paint(painter, rect, frame);
        return;
    case ExportView::AllHeads:
        m_allHeads.paint(painter, rect, frame);
        return;
    }
}

void PageDiagram::paintPanes(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    const double width = (rect.width() - kGap) / 2;
    m_uncached.paint(painter, QRectF(rect.topLeft(), QSizeF(width, rect.height())), frame);
    m_cached.paint(painter, QRectF(QPointF(rect.right() - width, rect.top()), QSizeF(width, rect.height())), frame);
}

void PageDiagram::paintStripAlone(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    const double height = std::min(rect.height(), kLoneStripHeight);
    m_strip.paint(painter, QRectF(rect.left(), rect.center().y() - height / 2, rect.width(), height), frame);
}

void PageDiagram::paintWindow(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    double top = rect.top();
    const double banner = paintBanner(painter, rect, frame);
    if (banner > 0)
        top += banner + kGap;
    m_strip.paint(painter, QRectF(rect.left(), top, rect.width(), kWindowStripHeight), frame);
    top += kWindowStripHeight + kGap;

    QTextDocument narration;
    layOutNarration(narration, frame, rect.width());
    const double narrationTop = rect.bottom() - narration.size().height();
    const double titleTop = narrationTop - kStepTitlePx * 1.6;
    const double legendHeight = fittedHeight(m_legend, kLegendHeight, rect.width(), frame);
    const double legendTop = titleTop - kGap - legendHeight;
    paintPanes(painter, QRectF(rect.left(), top, rect.width(), legendTop - kGap - top), frame);
    m_legend.paint(painter, QRectF(rect.left(), legendTop, rect.width(), legendHeight), frame);
    painter.setFont(pixelFont(kStepTitlePx, true));
    painter.setPen(frame.theme.text);
    painter.drawText(QRectF(rect.left(), titleTop, rect.width(), kStepTitlePx * 1.5), Qt::AlignLeft | Qt::AlignVCenter,
                     captionTitle(frame));
    drawDocument(painter, narration, QPointF(rect.left(), narrationTop), frame.theme.text);
}

double PageDiagram::paintBanner(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    const QString& text = frame.lesson->banner;
    if (text.isEmpty())
        return 0;
    const QFont font = pixelFont(kBannerPx, true);
    const double padding = kBannerPx * 0.6;
    const QRectF textArea(rect.left() + padding, rect.top() + padding, rect.width() - 2 * padding, rect.height());
    const QRectF used = QFontMetricsF(font).boundingRect(textArea, Qt::TextWordWrap, text);
    const double height = used.height() + 2 * padding;
    painter.setPen(Qt::NoPen);
    painter.setBrush(frame.theme.bad);
    painter.drawRoundedRect(QRectF(rect.left(), rect.top(), rect.width(), height), 6, 6);
    painter.setFont(font);
    painter.setPen(Qt::white);
    painter.drawText(textArea, Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, text);
    return height;
}

QRectF PageDiagram::paintCaption(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    const double titleHeight = kCaptionTitlePx * 1.4;
    const double lineHeight = kCaptionLinePx * 1.4;
    const double top = rect.bottom() - titleHeight - lineHeight;
    painter.setPen(frame.theme.text);
    painter.setFont(pixelFont(kCaptionTitlePx, true));
    painter.drawText(QRectF(rect.left(), top, rect.width(), titleHeight), Qt::AlignLeft | Qt::AlignVCenter,
                     captionTitle(frame));
    const QFont lineFont = pixelFont(kCaptionLinePx);
    painter.setFont(lineFont);
    painter.drawText(QRectF(rect.left(), top + titleHeight, rect.width(), lineHeight), Qt::AlignLeft | Qt::AlignVCenter,
                     captionLine(frame, lineFont, rect.width()));
    return QRectF(rect.topLeft(), QPointF(rect.right(), top - kGap));
}

QString PageDiagram::captionTitle(const Frame& frame)
{
    return tr("%1 · layer %2, head %3").arg(Narrator::stepTitle(frame)).arg(frame.layer).arg(frame.head);
}

QString PageDiagram::captionLine(const Frame& frame, const QFont& font, double width)
{
    const QString plain = QTextDocumentFragment::fromHtml(Narrator::narration(frame)).toPlainText().simplified();
    const QStringList parts = sentences(plain);
    if (parts.isEmpty())
        return {};
    const QFontMetricsF metrics(font);
    QString line = parts.first();
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QString longer = line + QLatin1Char(' ') + parts[i];
        if (metrics.horizontalAdvance(longer) > width)
            break;
        line = longer;
    }
    return metrics.elidedText(line, Qt::ElideRight, width);
}

} // namespace kvlab
