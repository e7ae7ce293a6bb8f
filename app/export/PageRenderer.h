#pragma once

#include "views/diagrams/PageDiagram.h"

#include <QImage>
#include <QIODevice>
#include <QSize>

namespace kvlab {

// Puts pages of one PageDiagram onto the export devices (an image, an SVG
// document, any painter such as a PDF page): the one place that sizes a
// device for a page. What it paints is PageDiagram::paint, as on screen.
class PageRenderer {
public:
    PageRenderer(PageDiagram::Options options, QSize pageSize, double pageDpi);

    // `scale` device pixels per page unit; the DPI written is pageDpi × scale.
    QImage image(const Frame& frame, double scale) const;
    // The page as SVG, its text kept as <text>. False if the device refused the bytes.
    bool writeSvg(QIODevice& device, const Frame& frame, const QString& title) const;
    // The page scaled to fit `target` and centred in it.
    void paint(QPainter& painter, const QRectF& target, const Frame& frame) const;

    QSize pageSize() const { return m_pageSize; }
    const PageDiagram& diagram() const { return m_diagram; }

private:
    PageDiagram m_diagram;
    QSize m_pageSize;
    double m_pageDpi;
};

} // namespace kvlab
