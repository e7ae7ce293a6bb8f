#pragma once

#include "Diagram.h"

#include <QCoreApplication>

#include <vector>

namespace kvlab {

// The tokens so far as boxes with their positions, the one being processed
// highlighted, and the predicted next token arriving at the end.
class TokenStripDiagram : public Diagram {
    Q_DECLARE_TR_FUNCTIONS(TokenStripDiagram)

public:
    void paint(QPainter& painter, const QRectF& rect, const Frame& frame) const override;
    QString tooltipAt(const QRectF& rect, const Frame& frame, QPointF point) const override;
    int tokenAt(const QRectF& rect, const Frame& frame, QPointF point) const override;
    QSizeF preferredSize() const override { return {1600, 110}; }

    struct Box {
        QRectF rect;
        int sequenceIndex = -1; // -1: the predicted next token
        QString text;
        int position = 0;
        bool current = false;
        bool stale = false;
    };
    std::vector<Box> boxes(const QRectF& rect, const Frame& frame) const;
};

} // namespace kvlab
