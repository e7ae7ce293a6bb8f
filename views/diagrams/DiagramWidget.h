#pragma once

#include "views/diagrams/Diagram.h"
#include "views/playback/Frame.h"

#include <QWidget>

#include <memory>
#include <optional>

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
    static constexpr int kMinimumWidth = 280;

    // Renders the diagram alone into an image of the widget's size.
    QImage render(qreal devicePixelRatio = 1.0) const;

    // Zoom: the diagram is laid out for a rectangle `zoom` times the widget's
    // size, so a larger zoom gives larger cells (and more detail: numbers,
    // fewer elided tokens), of which the widget shows a part, panned by
    // dragging or the wheel. Ctrl+wheel zooms about the pointer.
    void setZoomable(bool zoomable) { m_zoomable = zoomable; }
    double zoom() const { return m_zoom; }
    QPointF pan() const { return m_pan; }
    // Zooms by `factor` keeping the diagram point under `anchor` (widget coordinates) in place.
    void zoomBy(double factor, QPointF anchor);
    void zoomBy(double factor) { zoomBy(factor, QRectF(rect()).center()); }
    void resetZoom();
    // The rectangle the diagram is laid out in, in widget coordinates.
    QRectF contentRect() const;

    static constexpr double kMaxZoom = 8.0;

signals:
    void tokenClicked(int sequenceIndex);
    void zoomChanged(double zoom);

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void setPan(QPointF pan);

    std::unique_ptr<Diagram> m_diagram;
    Frame m_frame;
    bool m_zoomable = false;
    double m_zoom = 1.0;
    QPointF m_pan; // content offset shown at the widget's top-left
    std::optional<QPointF> m_dragFrom;
};

} // namespace kvlab
