#pragma once

#include "views/diagrams/Diagram.h"

#include <QCoreApplication>

#include <vector>

namespace kvlab {

// The tokens so far as boxes with their positions, the one being processed
// highlighted, and the predicted next token arriving at the end. When the
// sequence is longer than the strip, the first tokens stay, a band "… N …"
// stands for the hidden middle, and the newest tokens up to the current one
// and the next-token box stay in view: nothing runs off the right edge.
class TokenStripDiagram : public Diagram {
    Q_DECLARE_TR_FUNCTIONS(TokenStripDiagram)

public:
    void paint(QPainter& painter, const QRectF& rect, const Frame& frame) const override;
    QString tooltipAt(const QRectF& rect, const Frame& frame, QPointF point) const override;
    int tokenAt(const QRectF& rect, const Frame& frame, QPointF point) const override;
    QSizeF preferredSize() const override { return {1600, 110}; }

    static constexpr int kNext = -1; // sequenceIndex of the predicted next token
    static constexpr int kBand = -2; // sequenceIndex of the band for elided tokens

    struct Box {
        QRectF rect;
        int sequenceIndex = kNext; // >= 0: a token of the sequence
        QString text;
        int position = 0;
        bool current = false;
        bool stale = false;
        int hidden = 0;     // the band: how many tokens it stands for
        int firstHidden = 0; // the band: the first of them (sequence index)

        bool isToken() const { return sequenceIndex >= 0; }
        bool isBand() const { return sequenceIndex == kBand; }
        bool isNext() const { return sequenceIndex == kNext; }
    };
    std::vector<Box> boxes(const QRectF& rect, const Frame& frame) const;

private:
    std::vector<Box> layOut(const QRectF& rect, const Frame& frame, double scale, bool lastTry) const;
};

} // namespace kvlab
