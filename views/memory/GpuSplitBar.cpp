#include "views/memory/GpuSplitBar.h"

#include "views/diagrams/ByteText.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace kvlab {

namespace {

QString percent(std::int64_t part, std::int64_t whole)
{
    return QString::number(100.0 * double(part) / double(whole), 'f', 1) + QLatin1Char('%');
}

// The wider side of `rect` when the line at `x` cuts through it, so no label is struck through.
QRectF clearOf(const QRectF& rect, double x)
{
    if (x <= rect.left() || x >= rect.right())
        return rect;
    const QRectF before(rect.left(), rect.top(), x - rect.left(), rect.height());
    const QRectF after(x, rect.top(), rect.right() - x, rect.height());
    return before.width() >= after.width() ? before : after;
}

// One segment, labelled with the longest of `labels` that fits in its part clear of `cardEnd`.
void segment(QPainter& painter, const QRectF& rect, double cardEnd, const QColor& fill, const QStringList& labels,
             const QColor& ink)
{
    if (rect.width() <= 0)
        return;
    painter.fillRect(rect, fill);
    painter.setPen(ink);
    const QRectF space = clearOf(rect, cardEnd);
    for (const QString& label : labels) {
        if (painter.fontMetrics().horizontalAdvance(label) + 12 <= space.width()) {
            painter.drawText(space, Qt::AlignCenter, label);
            return;
        }
    }
}

// "weights 26.0 GB · 65.0%", "weights 65.0%", "65.0%"
QStringList labelsFor(const QString& what, std::int64_t bytes, std::int64_t gpuBytes)
{
    const QString share = percent(bytes, gpuBytes);
    return {QStringLiteral("%1 %2 · %3").arg(what, decimalBytes(bytes), share), QStringLiteral("%1 %2").arg(what, share),
            share};
}

QColor inkOn(const QColor& fill)
{
    return fill.lightness() < 140 ? Qt::white : Qt::black;
}

} // namespace

GpuSplitBar::GpuSplitBar(QWidget* parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setVisible(false);
}

void GpuSplitBar::setSplit(const std::optional<kv::MemoryCalculator::GpuSplit>& split)
{
    m_split = split;
    setVisible(split.has_value());
    update();
}

void GpuSplitBar::setTheme(const Theme& theme)
{
    m_theme = theme;
    setFixedHeight(static_cast<int>(std::lround(34 * theme.typeScale)));
    update();
}

QSize GpuSplitBar::sizeHint() const
{
    return {400, static_cast<int>(std::lround(34 * m_theme.typeScale))};
}

void GpuSplitBar::paint(QPainter& painter, const QRectF& area, const kv::MemoryCalculator::GpuSplit& split,
                        const Theme& theme)
{
    // The bar spans the card, or weights + cache when they overflow it.
    const double used = double(split.weightsBytes) + double(split.cacheBytes);
    const double scale = area.width() / std::max(double(split.gpuBytes), used);
    const double weightsWidth = double(split.weightsBytes) * scale;
    const double cacheWidth = double(split.cacheBytes) * scale;
    const QRectF weights(area.left(), area.top(), weightsWidth, area.height());
    const QRectF cache(weights.right(), area.top(), cacheWidth, area.height());
    const double gpuRight = area.left() + double(split.gpuBytes) * scale;
    const QColor weightsColour = theme.mutedText;
    const QColor cacheColour = theme.stateColor(CellState::FromCache);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.fillRect(area, theme.panel);
    segment(painter, weights, gpuRight, weightsColour,
            labelsFor(QObject::tr("weights"), split.weightsBytes, split.gpuBytes), inkOn(weightsColour));
    segment(painter, cache, gpuRight, cacheColour, labelsFor(QObject::tr("KV cache"), split.cacheBytes, split.gpuBytes),
            inkOn(cacheColour));
    if (split.fits()) {
        const QRectF left(cache.right(), area.top(), area.right() - cache.right(), area.height());
        segment(painter, left, gpuRight, theme.panel, labelsFor(QObject::tr("left"), split.leftBytes, split.gpuBytes),
                theme.good);
    }
    painter.setPen(QPen(theme.text, 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(area.left(), area.top(), gpuRight - area.left(), area.height()).adjusted(0, 0, -1, -1));
    if (!split.fits()) {
        // Where the card ends: everything right of the line does not fit.
        painter.setPen(QPen(theme.bad, 4));
        painter.drawLine(QPointF(gpuRight, area.top()), QPointF(gpuRight, area.bottom()));
    }
    painter.restore();
}

void GpuSplitBar::paintEvent(QPaintEvent*)
{
    if (!m_split)
        return;
    QPainter painter(this);
    QFont font = painter.font();
    font.setPixelSize(static_cast<int>(std::lround(15 * m_theme.typeScale)));
    font.setBold(true);
    painter.setFont(font);
    paint(painter, QRectF(rect()).adjusted(1, 2, -1, -2), *m_split, m_theme);
}

} // namespace kvlab
