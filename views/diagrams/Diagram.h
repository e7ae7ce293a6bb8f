#pragma once

#include "views/playback/Frame.h"

#include <QPainter>
#include <QRectF>
#include <QString>

namespace kvlab {

// A picture of one frame. paint() is the single drawing function used by the
// widget on screen and by every export (PNG, SVG, PDF).
class Diagram {
public:
    virtual ~Diagram() = default;
    virtual void paint(QPainter& painter, const QRectF& rect, const Frame& frame) const = 0;
    // What hovering at `point` explains; empty for nothing.
    virtual QString tooltipAt(const QRectF& rect, const Frame& frame, QPointF point) const
    {
        Q_UNUSED(rect);
        Q_UNUSED(frame);
        Q_UNUSED(point);
        return {};
    }
    // The sequence index of the token at `point`, or -1.
    virtual int tokenAt(const QRectF& rect, const Frame& frame, QPointF point) const
    {
        Q_UNUSED(rect);
        Q_UNUSED(frame);
        Q_UNUSED(point);
        return -1;
    }
    virtual QSizeF preferredSize() const { return {800, 600}; }
};

} // namespace kvlab
