#include "views/diagrams/AllHeadsWidget.h"

#include <QMouseEvent>

namespace kvlab {

AllHeadsWidget::AllHeadsWidget(QWidget* parent)
    : DiagramWidget(std::make_unique<AllHeadsDiagram>(), parent)
    , m_grid(static_cast<const AllHeadsDiagram*>(&diagram()))
{
    setCursor(Qt::PointingHandCursor);
}

void AllHeadsWidget::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        if (const auto hit = m_grid->headAt(QRectF(rect()), frame(), event->position())) {
            emit headClicked(hit->first, hit->second);
            event->accept();
            return;
        }
    }
    DiagramWidget::mousePressEvent(event);
}

} // namespace kvlab
