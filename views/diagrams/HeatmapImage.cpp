#include "views/diagrams/HeatmapImage.h"

#include <algorithm>
#include <cmath>

namespace kvlab {

namespace {

std::vector<int> boundaries(int count, int parts)
{
    std::vector<int> edges(static_cast<std::size_t>(parts) + 1);
    for (int i = 0; i <= parts; ++i)
        edges[static_cast<std::size_t>(i)] = static_cast<int>(static_cast<long long>(count) * i / parts);
    return edges;
}

} // namespace

HeatmapImage::HeatmapImage(const Theme& theme, Ramp ramp, double range)
    : m_ramp(ramp)
    , m_range(range > 0 ? range : 1.0)
    , m_masked(theme.stateColor(CellState::Masked).rgb())
    , m_band(theme.background.rgb())
{
    for (int i = 0; i < kSteps; ++i) {
        const double t = static_cast<double>(i) / (kSteps - 1);
        const double value = ramp == Ramp::Sequential ? t : 2.0 * t - 1.0;
        m_table[static_cast<std::size_t>(i)] = theme.valueColor(value, 1.0).rgb();
    }
}

QRgb HeatmapImage::color(double value) const
{
    if (!std::isfinite(value))
        return m_masked;
    double t = value / m_range;
    if (m_ramp == Ramp::Diverging)
        t = (t + 1.0) / 2.0;
    const int index = static_cast<int>(std::lround(std::clamp(t, 0.0, 1.0) * (kSteps - 1)));
    return m_table[static_cast<std::size_t>(index)];
}

QImage HeatmapImage::render(const kv::ConstMatrixView& matrix, const RowRanges& rows, int maxCols, int maskFrom) const
{
    const int cols = std::max(1, std::min(static_cast<int>(matrix.cols()), maxCols));
    QImage image(cols, std::max<int>(1, static_cast<int>(rows.size())), QImage::Format_RGB32);
    const std::vector<int> colEdges = boundaries(static_cast<int>(matrix.cols()), cols);
    for (int y = 0; y < static_cast<int>(rows.size()); ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        const auto [first, last] = rows[static_cast<std::size_t>(y)];
        for (int x = 0; x < cols; ++x) {
            if (first >= last) {
                line[x] = m_band;
                continue;
            }
            bool any = false;
            float strongest = 0.0f;
            for (int r = first; r < last; ++r) {
                const int colLast = maskFrom >= 0 ? std::min(colEdges[static_cast<std::size_t>(x) + 1], maskFrom + r + 1)
                                                  : colEdges[static_cast<std::size_t>(x) + 1];
                for (int c = colEdges[static_cast<std::size_t>(x)]; c < colLast; ++c) {
                    const float value = matrix(r, c);
                    if (!any || std::abs(value) > std::abs(strongest))
                        strongest = value;
                    any = true;
                }
            }
            line[x] = any ? color(strongest) : m_masked;
        }
    }
    return image;
}

HeatmapImage::RowRanges HeatmapImage::pooled(int count, int maxRows)
{
    const int parts = std::max(1, std::min(count, maxRows));
    const std::vector<int> edges = boundaries(count, parts);
    RowRanges ranges;
    for (int i = 0; i < parts; ++i)
        ranges.emplace_back(edges[static_cast<std::size_t>(i)], edges[static_cast<std::size_t>(i) + 1]);
    return ranges;
}

HeatmapImage::RowRanges HeatmapImage::perSlot(const std::vector<int>& slotTokens)
{
    RowRanges ranges;
    for (int source : slotTokens)
        ranges.emplace_back(source, source < 0 ? source : source + 1);
    return ranges;
}

kv::ConstMatrixView columnsOf(const float* data, int rows, int rowStride, int firstCol, int cols)
{
    return kv::ConstMatrixView(data + firstCol, rows, cols, Eigen::OuterStride<>(rowStride));
}

} // namespace kvlab
