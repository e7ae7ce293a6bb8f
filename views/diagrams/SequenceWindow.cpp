#include "views/diagrams/SequenceWindow.h"

#include <algorithm>

namespace kvlab {

namespace {

int slotOf(const std::vector<int>& drawn, int source)
{
    if (source < 0)
        return -1;
    const auto found = std::find(drawn.begin(), drawn.end(), source);
    return found == drawn.end() ? -1 : static_cast<int>(found - drawn.begin());
}

QStringList pickLabels(const QStringList& labels, const std::vector<int>& drawn)
{
    if (labels.isEmpty())
        return labels;
    QStringList picked;
    for (int source : drawn)
        picked << (source < 0 ? QString() : labels[source]);
    return picked;
}

} // namespace

SequenceWindow SequenceWindow::all(int length)
{
    SequenceWindow window;
    window.m_length = length;
    for (int key = 0; key < length; ++key)
        window.m_slots.push_back(key);
    return window;
}

SequenceWindow SequenceWindow::around(int length, int shown, int first)
{
    if (shown >= length)
        return all(length);
    SequenceWindow window;
    window.m_length = length;
    first = std::clamp(first, 0, std::max(0, shown - 1));
    const int newest = std::max(1, shown - first);
    for (int key = 0; key < first; ++key)
        window.m_slots.push_back(key);
    window.m_slots.push_back(-1);
    for (int key = length - newest; key < length; ++key)
        window.m_slots.push_back(key);
    window.m_hidden = length - newest - first;
    return window;
}

bool SequenceWindow::shows(int key) const
{
    return std::find(m_slots.begin(), m_slots.end(), key) != m_slots.end();
}

std::vector<int> SequenceWindow::querySlots(int perBlock, int blocks, int appendedFrom) const
{
    std::vector<int> rows;
    for (int block = 0; block < blocks; ++block) {
        bool bandPlaced = false;
        for (int q = 0; q < perBlock; ++q) {
            if (shows(appendedFrom + q)) {
                rows.push_back(block * perBlock + q);
            } else if (!bandPlaced) {
                rows.push_back(-1);
                bandPlaced = true;
            }
        }
    }
    return rows;
}

MatrixSpec SequenceWindow::apply(const MatrixSpec& spec, int perBlock, int blocks, int appendedFrom) const
{
    if (!elides())
        return spec;
    std::vector<int> rows;
    if (!spec.rowsAreTokens())
        for (int r = 0; r < spec.rows(); ++r)
            rows.push_back(r);
    else
        rows = spec.role == MatrixSpec::Role::Values ? m_slots : querySlots(perBlock, blocks, appendedFrom);
    std::vector<int> cols;
    if (spec.colsAreTokens())
        cols = m_slots;
    else
        for (int c = 0; c < spec.cols(); ++c)
            cols.push_back(c);

    MatrixSpec out = spec;
    out.values = kv::Matrix::Zero(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(cols.size()));
    out.states.assign(rows.size() * cols.size(), CellState::Pending);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        for (std::size_t c = 0; c < cols.size(); ++c) {
            if (rows[r] < 0 || cols[c] < 0)
                continue;
            out.values(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = spec.values(rows[r], cols[c]);
            out.states[r * cols.size() + c] = spec.state(rows[r], cols[c]);
        }
    }
    out.rowLabels = pickLabels(spec.rowLabels, rows);
    out.highlightRowStride = 0; // stacked blocks are no longer evenly spaced once elided
    out.colLabels = pickLabels(spec.colLabels, cols);
    out.highlightRow = slotOf(rows, spec.highlightRow);
    out.highlightCol = slotOf(cols, spec.highlightCol);
    out.slidingRow = slotOf(rows, spec.slidingRow);
    out.slidingCol = slotOf(cols, spec.slidingCol);
    out.rowSource = spec.rowsAreTokens() ? rows : std::vector<int>{};
    out.colSource = spec.colsAreTokens() ? cols : std::vector<int>{};
    int hiddenQueries = 0;
    for (int q = 0; q < perBlock; ++q)
        hiddenQueries += shows(appendedFrom + q) ? 0 : 1;
    out.elidedRows = !spec.rowsAreTokens() ? 0 : spec.role == MatrixSpec::Role::Values ? m_hidden : hiddenQueries;
    out.elidedCols = spec.colsAreTokens() ? m_hidden : 0;
    return out;
}

} // namespace kvlab
