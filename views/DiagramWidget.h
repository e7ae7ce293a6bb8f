#pragma once

#include "Diagram.h"
#include "Frame.h"

#include <QWidget>

#include <memory>

namespace kvlab {

// Shows one Diagram for the current frame: paints it, explains the cell under
// the mouse in a tooltip, and reports clicks on tokens.
class DiagramWidget : public QWidget {
    Q_OBJECT

public:
    explicit DiagramWidget(std::unique_ptr<Diagram> diagram, QWidget* parent = nullptr);

    const Diagram& diagram() const { return *m_diagram; }
    const Frame& frame() const { return m_frame; }
    void setFrame(const Frame& frame);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    // Renders the diagram alone into an image of the widget's size.
    QImage render(qreal devicePixelRatio = 1.0) const;

signals:
    void tokenClicked(int sequenceIndex);

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    std::unique_ptr<Diagram> m_diagram;
    Frame m_frame;
};

} // namespace kvlab
