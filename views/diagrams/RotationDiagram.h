#pragma once

#include "core/decode/DecodeMode.h"
#include "views/diagrams/Diagram.h"
#include "views/diagrams/MatrixPainter.h"
#include "views/diagrams/MatrixSpec.h"

#include <QCoreApplication>

#include <array>
#include <vector>

namespace kvlab {

// The Rotate phase of one pane, for models with rotary positions (RoPE): the
// selected head's q and its K/V head's k, as projected and after RoPE turned
// them, with the angle pos·θᵢ every pair of dimensions turned by, and a dial
// per pair showing the newest key turning. The numbers are the pass's own
// (RopeStages.h). Without a cache every row turns again, each at its own
// position; with the cache only the new row turns, once, before it is cached.
class RotationDiagram : public Diagram {
    Q_DECLARE_TR_FUNCTIONS(RotationDiagram)

public:
    // The six matrices, two equations: before ↻ angles = after, for q then k.
    enum class Part { QueryBefore, QueryAngles, QueryAfter, KeyBefore, KeyAngles, KeyAfter };
    static constexpr std::array<Part, 6> kParts{Part::QueryBefore, Part::QueryAngles, Part::QueryAfter,
                                                Part::KeyBefore,   Part::KeyAngles,   Part::KeyAfter};
    static constexpr std::size_t slot(Part part) { return static_cast<std::size_t>(part); }

    explicit RotationDiagram(kv::DecodeMode mode);

    // The whole sequence's matrices for this frame (before any row is elided).
    std::array<MatrixSpec, 6> matrices(const Frame& frame) const;

    // One pair of the newest row's key: its two dimensions before and after.
    struct Dial {
        int pair = 0;
        float angle = 0;                 // radians, RotaryTable::angle
        float beforeX = 0, beforeY = 0;  // (k[first], k[second]) as projected
        float afterX = 0, afterY = 0;    // the same dimensions after RoPE
        QRectF circle;
        QRectF label; // "pair i" over "angle rad", under the circle
    };

    struct Layout {
        std::array<MatrixSpec, 6> matrices; // rows elided when the sequence does not fit
        std::array<MatrixPlacement, 6> places;
        double labelFontPx = 13;
        double operatorPx = 20;
        Detail detail = Detail::Cells;
        std::vector<QPointF> operators; // centres of "↻" and "=" in reading order
        std::vector<Dial> dials;        // empty when there is no room for them
        QRectF dialTitle;
        int pairsLeftOut = 0;           // pairs with no dial, for want of width

        const MatrixSpec& matrix(Part part) const { return matrices[slot(part)]; }
        const MatrixPlacement& place(Part part) const { return places[slot(part)]; }
        // Every box drawn (grids, titles, captions, notes, row labels, dials):
        // none may overlap another or leave the body. The tests hold it to that.
        std::vector<std::pair<QString, QRectF>> boxes() const;
    };
    Layout layout(const QRectF& body, const Frame& frame) const;

    // Paints into `body` (the pane's area between its title and its stats lines).
    void paint(QPainter& painter, const QRectF& body, const Frame& frame) const override;
    QString tooltipAt(const QRectF& body, const Frame& frame, QPointF point) const override;

private:
    void paintOperators(QPainter& painter, const Layout& layout, const Frame& frame) const;
    void paintDials(QPainter& painter, const Layout& layout, const Frame& frame) const;
    std::vector<Dial> dialsOf(const Frame& frame) const;
    QString describeCell(const Frame& frame, Part part, const MatrixSpec& spec, int row, int col) const;

    kv::DecodeMode m_mode;
};

} // namespace kvlab
