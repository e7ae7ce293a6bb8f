#pragma once

#include "core/tensor/Tensor.h"
#include "views/style/Theme.h"

#include <QImage>

#include <array>
#include <utility>
#include <vector>

namespace kvlab {

// Colours a matrix into an image of at most one pixel per cell. Each image
// row stands for a range of source rows (an empty range: a band left blank,
// where a sequence window hides tokens) and columns are pooled to at most a
// given count; a pixel shows the value of largest magnitude among the cells
// it covers, so one sharp weight stays visible however far it is shrunk.
// Colours come from a lookup table: a frame costs one pass over the pixels
// drawn, not over the model.
class HeatmapImage {
public:
    enum class Ramp { Diverging, Sequential }; // -range..range (K, V); 0..range (weights)
    using RowRanges = std::vector<std::pair<int, int>>; // [first, last) source rows per image row

    HeatmapImage(const Theme& theme, Ramp ramp, double range);

    QRgb color(double value) const;
    QRgb maskedColor() const { return m_masked; }

    // `maskFrom` >= 0: source row r sees columns up to maskFrom + r (the causal
    // mask); a pixel whose cells are all masked takes the masked colour.
    QImage render(const kv::ConstMatrixView& matrix, const RowRanges& rows, int maxCols, int maskFrom = -1) const;

    // Every row, pooled into at most `maxRows` image rows.
    static RowRanges pooled(int count, int maxRows);
    // One image row per slot: its source row, or a band for -1.
    static RowRanges perSlot(const std::vector<int>& slotTokens);

private:
    static constexpr int kSteps = 256;
    std::array<QRgb, kSteps> m_table{};
    Ramp m_ramp;
    double m_range;
    QRgb m_masked;
    QRgb m_band;
};

// A row-major matrix's columns [firstCol, firstCol + cols) as a view, no copy.
kv::ConstMatrixView columnsOf(const float* data, int rows, int rowStride, int firstCol, int cols);

} // namespace kvlab
