#pragma once

#include "views/diagrams/CellState.h"
#include "core/tensor/Tensor.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace kvlab {

// One matrix of the attention diagram, as it should look at this frame:
// values, labels, each cell's state, and how far its animation has run.
struct MatrixSpec {
    enum class Role { Queries, KeysT, Scores, Weights, Values, Output };

    Role role = Role::Queries;
    QString title;   // e.g. "Q = X·W_Q"
    QString caption; // e.g. "4×8"
    QString note;    // e.g. "← v₃ appended"
    kv::Matrix values;
    QStringList rowLabels; // empty: none
    QStringList colLabels;
    std::vector<CellState> states; // row-major
    double valueRange = 1.0;       // |value| drawn at full colour
    double reveal = 1.0;           // 0..1 share of cells shown (row-major sweep)
    int slidingRow = -1;           // a row (or column) sliding into place...
    int slidingCol = -1;
    double slide = 0.0;            // ...still this many cells away
    int highlightRow = -1;         // the selected token's row or column
    int highlightCol = -1;
    // After elision (a long sequence shown as a window): the row or column of
    // the full matrix each drawn one shows, -1 for the band standing for
    // `elidedRows` / `elidedCols` hidden ones. Empty: nothing elided.
    std::vector<int> rowSource;
    std::vector<int> colSource;
    int elidedRows = 0;
    int elidedCols = 0;
    int highlightRowStride = 0;    // >0: the row repeats every this many rows (one block per stacked GQA head)

    int rows() const { return static_cast<int>(values.rows()); }
    int cols() const { return static_cast<int>(values.cols()); }
    CellState state(int row, int col) const { return states[static_cast<std::size_t>(row * cols() + col)]; }
    bool highlightsRow(int row) const
    {
        return highlightRow >= 0
            && (highlightRowStride > 0 ? row % highlightRowStride == highlightRow : row == highlightRow);
    }
    QString shape() const { return QStringLiteral("%1×%2").arg(rows()).arg(cols()); }
    int sourceRow(int row) const { return rowSource.empty() ? row : rowSource[static_cast<std::size_t>(row)]; }
    int sourceCol(int col) const { return colSource.empty() ? col : colSource[static_cast<std::size_t>(col)]; }
    bool inBand(int row, int col) const { return sourceRow(row) < 0 || sourceCol(col) < 0; }
    // Which axis runs along the sequence (tokens) rather than head_dim.
    bool rowsAreTokens() const { return role != Role::KeysT; }
    bool colsAreTokens() const { return role == Role::KeysT || role == Role::Scores || role == Role::Weights; }
};

} // namespace kvlab
