#include "views/charts/ChartPainter.h"

#include "views/charts/CostChart.h"
#include "views/charts/ScalingChart.h"

#include <QPicture>

#include <qcustomplot.h>

namespace kvlab {

ChartPainter::ChartPainter(Chart chart)
    : m_chart(chart)
{
}

void ChartPainter::paint(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    if (!frame.valid())
        return;
    QCustomPlot* plot = nullptr;
    if (m_chart == Chart::CostPerStep) {
        if (!m_cost)
            m_cost = std::make_shared<CostChart>();
        m_cost->setFrame(frame);
        plot = m_cost->plot();
    } else {
        if (!m_scaling)
            m_scaling = std::make_shared<ScalingChart>();
        m_scaling->setFrame(frame);
        plot = m_scaling->plot();
    }
    const QSize size = (rect.size() / kTypeZoom).toSize();
    if (size.isEmpty())
        return;

    QPicture picture;
    QCPPainter recorder(&picture);
    recorder.setRenderHint(QPainter::Antialiasing, true);
    plot->toPainter(&recorder, size.width(), size.height());
    recorder.end();

    painter.save();
    painter.translate(rect.topLeft());
    painter.scale(kTypeZoom, kTypeZoom);
    // A picture replays scaled by the target's DPI over its own (an A4 page
    // at 150 dpi would get the chart 1.56x too large); undo that, the page
    // already maps its units to the device.
    if (const QPaintDevice* device = painter.device(); device && device->logicalDpiX() > 0)
        painter.scale(double(picture.logicalDpiX()) / device->logicalDpiX(),
                      double(picture.logicalDpiY()) / device->logicalDpiY());
    painter.drawPicture(QPointF(0, 0), picture);
    painter.restore();
}

} // namespace kvlab
