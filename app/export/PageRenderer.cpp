#include "app/export/PageRenderer.h"

#include <QPainter>
#include <QSvgGenerator>

#include <cmath>

namespace kvlab {

namespace {

constexpr double kInchesPerMetre = 1.0 / 0.0254;

} // namespace

PageRenderer::PageRenderer(PageDiagram::Options options, QSize pageSize, double pageDpi)
    : m_diagram(options)
    , m_pageSize(pageSize)
    , m_pageDpi(pageDpi)
{
}

QImage PageRenderer::image(const Frame& frame, double scale) const
{
    const QSize pixels(static_cast<int>(std::lround(m_pageSize.width() * scale)),
                       static_cast<int>(std::lround(m_pageSize.height() * scale)));
    QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    const int dotsPerMetre = static_cast<int>(std::lround(m_pageDpi * scale * kInchesPerMetre));
    image.setDotsPerMeterX(dotsPerMetre);
    image.setDotsPerMeterY(dotsPerMetre);
    QPainter painter(&image);
    paint(painter, QRectF(QPointF(0, 0), QSizeF(pixels)), frame);
    return image;
}

bool PageRenderer::writeSvg(QIODevice& device, const Frame& frame, const QString& title) const
{
    QSvgGenerator generator;
    generator.setOutputDevice(&device);
    generator.setSize(m_pageSize);
    generator.setViewBox(QRect(QPoint(0, 0), m_pageSize));
    generator.setResolution(static_cast<int>(std::lround(m_pageDpi)));
    generator.setTitle(title);
    generator.setDescription(QStringLiteral("KV Cache Lab"));
    QPainter painter;
    if (!painter.begin(&generator))
        return false;
    paint(painter, QRectF(QPointF(0, 0), QSizeF(m_pageSize)), frame);
    return painter.end();
}

void PageRenderer::paint(QPainter& painter, const QRectF& target, const Frame& frame) const
{
    const double scale = std::min(target.width() / m_pageSize.width(), target.height() / m_pageSize.height());
    const QSizeF placed = QSizeF(m_pageSize) * scale;
    painter.save();
    painter.translate(target.center() - QPointF(placed.width() / 2, placed.height() / 2));
    painter.scale(scale, scale);
    m_diagram.paint(painter, QRectF(QPointF(0, 0), QSizeF(m_pageSize)), frame);
    painter.restore();
}

} // namespace kvlab
