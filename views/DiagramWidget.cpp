#include "DiagramWidget.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

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
    return QSize(std::min(320, int(preferred.width())), std::min(int(preferred.height()), 36));
}

QImage DiagramWidget::render(qreal devicePixelRatio) const
{
    QImage image(size() * devicePixelRatio, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(devicePixelRatio);
    image.fill(m_frame.theme.background);
    QPainter painter(&image);
    m_diagram->paint(painter, QRectF(QPointF(0, 0), QSizeF(size())), m_frame);
    return image;
}

void DiagramWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), m_frame.theme.background);
    m_diagram->paint(painter, QRectF(rect()), m_frame);
}

bool DiagramWidget::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = m_diagram->tooltipAt(QRectF(rect()), m_frame, help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void DiagramWidget::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        emit tokenClicked(m_diagram->tokenAt(QRectF(rect()), m_frame, event->position()));
    QWidget::mousePressEvent(event);
}

} // namespace kvlab
