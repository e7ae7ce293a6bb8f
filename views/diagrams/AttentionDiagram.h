#pragma once

#include "core/decode/DecodeMode.h"
#include "views/diagrams/ByRole.h"
#include "views/diagrams/Diagram.h"
#include "views/diagrams/MatrixPainter.h"
#include "views/diagrams/MatrixSpec.h"

#include <QCoreApplication>

#include <vector>

namespace kvlab {

// One pane, "Without KV cache" or "With KV cache": the attention of the
// selected layer and head at this step as Q · Kᵀ = scores (first row) and
// weights · V = output (second row), with the pane's cost and check below.
class AttentionDiagram : public Diagram {
    Q_DECLARE_TR_FUNCTIONS(AttentionDiagram)

public:
    explicit AttentionDiagram(kv::DecodeMode mode);

    void paint(QPainter& painter, const QRectF& rect, const Frame& frame) const override;
    QString tooltipAt(const QRectF& rect, const Frame& frame, QPointF point) const override;
    QSizeF preferredSize() const override { return {900, 640}; }

    kv::DecodeMode mode() const { return m_mode; }

    // One stats line under the matrices, wrapped at word boundaries within its
    // own box (the box as high as the wrapped text), never cut at the pane's edge.
    struct TextBox {
        QString text;
        QRectF rect;
        double px = 15;
        bool bold = false;
        int flags = 0; // Qt::TextWordWrap, or Qt::TextWrapAnywhere for a word wider than the box
    };

    struct Layout {
        ByRole<MatrixSpec> matrices; // elided when the sequence does not fit
        ByRole<MatrixPlacement> places;
        double labelFontPx = 13;
        double operatorPx = 20;
        double columnLabelDegrees = 50; // how far the column labels are turned
        double scale = 1;
        Detail detail = Detail::Cells;
        int hiddenTokens = 0; // tokens the elided band stands for
        QRectF title;
        QRectF footer; // the stats lines' boxes, one under another
        std::vector<TextBox> stats;
        QRectF body; // between the title and the stats lines
        std::vector<QPointF> operators; // centres of "·" and "=" in reading order

        const MatrixSpec& matrix(MatrixSpec::Role role) const;
        const MatrixPlacement& place(MatrixSpec::Role role) const;
        // Every box drawn (titles, grids, labels, captions, notes, operators,
        // the pane title and the stats lines): none may overlap another or
        // leave the pane. The tests hold the layout to that.
        std::vector<std::pair<QString, QRectF>> boxes() const;
    };
    // Where everything goes in `rect`: shared by painting, hovering and the tests.
    Layout layout(const QRectF& rect, const Frame& frame) const;

private:
    void paintHeader(QPainter& painter, const Layout& layout, const Frame& frame) const;
    void paintOperators(QPainter& painter, const Layout& layout, const Frame& frame) const;
    void paintFooter(QPainter& painter, const Layout& layout, const Frame& frame) const;
    QString describeCell(const Frame& frame, const MatrixSpec& spec, int row, int col) const;

    kv::DecodeMode m_mode;
};

} // namespace kvlab
