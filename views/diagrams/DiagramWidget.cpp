#include "views/diagrams/DiagramWidget.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QTextDocument>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace kvlab {

DiagramWidget::DiagramWidget(std::unique_ptr<Diagram> diagram, QWidget* parent)
    : QWidget(parent)
    , m_diagram(std::move(diagram))
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void DiagramWidget::setFrame(const Frame& frame)
{
    m_frame = frame;
    update();
}

QSize DiagramWidget::sizeHint() const
{
    return m_diagram->preferredSize().toSize();
}

QSize DiagramWidget::minimumSizeHint() const
{
    const QSizeF preferred = m_diagram->preferredSize();
    // Narrow enough for two panes and the docks on a 1024-wide screen: the
    // diagrams lay themselves out for the room they get.
    return QSize(std::min(kMinimumWidth, int(preferred.width())), std::min(int(preferred.height()), 36));
}

QImage DiagramWidget::render(qreal devicePixelRatio) const
{
    QImage image(size() * devicePixelRatio, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(devicePixelRatio);
    image.fill(m_frame.theme.background);
    QPainter painter(&image);
    m_diagram->paint(painter, contentRect(), m_frame); // what the widget shows, zoom included
    return image;
}

QRectF DiagramWidget::contentRect() const
{
    return QRectF(-m_pan, QSizeF(size()) * m_zoom);
}

void DiagramWidget::setPan(QPointF pan)
{
    const QSizeF room = QSizeF(size()) * (m_zoom - 1.0);
    m_pan = QPointF(std::clamp(pan.x(), 0.0, std::max(0.0, room.width())),
                    std::clamp(pan.y(), 0.0, std::max(0.0, room.height())));
    update();
}

void DiagramWidget::zoomBy(double factor, QPointF anchor)
{
    if (!m_zoomable)
        return;
    const double zoom = std::clamp(m_zoom * factor, 1.0, kMaxZoom);
    if (zoom == m_zoom)
        return;
    // The content point under the anchor stays under it.
    const QPointF content = (anchor + m_pan) / m_zoom;
    m_zoom = zoom;
    setPan(content * m_zoom - anchor);
    emit zoomChanged(m_zoom);
}

void DiagramWidget::resetZoom()
{
    if (m_zoom == 1.0 && m_pan.isNull())
        return;
    m_zoom = 1.0;
    m_pan = QPointF();
    update();
    emit zoomChanged(m_zoom);
}

void DiagramWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), m_frame.theme.background);
    m_diagram->paint(painter, contentRect(), m_frame);
}

void DiagramWidget::resizeEvent(QResizeEvent* event)
{
    setPan(m_pan);
    QWidget::resizeEvent(event);
}

void DiagramWidget::wheelEvent(QWheelEvent* event)
{
    const double notches = event->angleDelta().y() / 120.0;
    if (m_zoomable && event->modifiers().testFlag(Qt::ControlModifier)) {
        zoomBy(std::pow(1.25, notches), event->position());
        event->accept();
        return;
    }
    if (m_zoom > 1.0) { // zoomed in: the wheel pans (Shift: sideways)
        const double step = -notches * 60.0;
        setPan(m_pan + (event->modifiers().testFlag(Qt::ShiftModifier) ? QPointF(step, 0) : QPointF(0, step))
               - QPointF(event->angleDelta().x() / 2.0, 0));
        event->accept();
        return;
    }
    QWidget::wheelEvent(event);
}

void DiagramWidget::mouseMoveEvent(QMouseEvent* event)
{
    if (m_dragFrom && m_zoom > 1.0) {
        setPan(m_pan + (*m_dragFrom - event->position()));
        m_dragFrom = event->position();
    }
    QWidget::mouseMoveEvent(event);
}

void DiagramWidget::mouseReleaseEvent(QMouseEvent* event)
{
    m_dragFrom.reset();
    QWidget::mouseReleaseEvent(event);
}

bool DiagramWidget::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = m_diagram->tooltipAt(contentRect(), m_frame, help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            // As rich text made from the plain text: a token such as "<s>"
            // would otherwise make Qt guess rich text and read it as a tag.
            QToolTip::showText(help->globalPos(), Qt::convertFromPlainText(text, Qt::WhiteSpaceNormal), this);
        return true;
    }
    return QWidget::event(event);
}

void DiagramWidget::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        m_dragFrom = event->position();
        emit tokenClicked(m_diagram->tokenAt(contentRect(), m_frame, event->position()));
    }
    QWidget::mousePressEvent(event);
}

} // namespace kvlab
