#include "views/diagrams/AttentionDiagram.h"

#include "views/style/Typography.h"

#include "views/diagrams/AttentionMatrices.h"
#include "views/diagrams/RotationDiagram.h"
#include "views/playback/Narrator.h"
#include "views/diagrams/SequenceWindow.h"

#include <QFontMetricsF>

#include <cmath>

namespace kvlab {

namespace {

using Role = MatrixSpec::Role;

// The largest pixel size, up to `maximum`, at which `text` fits in `width`.
double fittingPixelSize(const QString& text, double width, double maximum, bool bold)
{
    const double natural = QFontMetricsF(pixelFont(maximum, bold)).horizontalAdvance(text);
    return natural <= width ? maximum : std::max(7.0, std::floor(maximum * width / natural));
}

// The step at which the key/value row `row` was first computed.
int firstComputedAt(const Frame& frame, kv::DecodeMode mode, int row)
{
    const int sequenceIndex = row - staleRowCount(frame, mode);
    const int promptLength = static_cast<int>(frame.lesson->run.cached.prompt.size());
    return sequenceIndex < promptLength ? 0 : sequenceIndex - promptLength + 1;
}

// The four stats lines of `mode`'s pane: its work, multiply-adds, memory, and the verdict (bold).
std::vector<std::pair<QString, bool>> statsLines(const Frame& frame, kv::DecodeMode mode)
{
    return {{Narrator::paneWork(frame, mode), false},
            {Narrator::paneMacs(frame, mode), false},
            {Narrator::paneMemory(frame, mode), false},
            {Narrator::paneVerdict(frame, mode).text, true}};
}

// The stats lines of `mode` at `px`, each wrapped within `width` in a box as
// high as its lines, one under another from y = 0.
std::vector<AttentionDiagram::TextBox> statsBoxes(const Frame& frame, kv::DecodeMode mode, double width, double px)
{
    std::vector<AttentionDiagram::TextBox> boxes;
    double y = 0;
    for (const auto& [text, bold] : statsLines(frame, mode)) {
        const QFontMetricsF metrics(pixelFont(px, bold));
        const QRectF room(0, 0, width, 1e6);
        int flags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap;
        QRectF needed = metrics.boundingRect(room, flags, text);
        if (needed.width() > width) { // one word wider than the pane: broken inside the word rather than cut
            flags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWrapAnywhere;
            needed = metrics.boundingRect(room, flags, text);
        }
        boxes.push_back({text, QRectF(0, y, width, std::ceil(needed.height())), px, bold, flags});
        y += boxes.back().rect.height() + std::ceil(px * 0.2);
    }
    return boxes;
}

double stackHeight(const std::vector<AttentionDiagram::TextBox>& boxes)
{
    return boxes.empty() ? 0.0 : boxes.back().rect.bottom() - boxes.front().rect.top();
}

} // namespace

AttentionDiagram::AttentionDiagram(kv::DecodeMode mode)
    : m_mode(mode)
{
}

namespace {

// One matrix in a row of the diagram: row labels (optional) left of its grid,
// the grid widened to its title where the title is wider, operators between.
struct RowItem {
    Role role;
    bool labels;
};

const std::vector<RowItem> kRowA{{Role::Queries, true}, {Role::KeysT, false}, {Role::Scores, true}}; // Q · Kᵀ = scores
const std::vector<RowItem> kRowB{{Role::Weights, true}, {Role::Values, true}, {Role::Output, false}}; // weights · V = output

// Label sizes, as share of the pane's type scale.
constexpr double kMinLabelPx = 10.0;
constexpr double kMaxLabelPx = 15.0;
// Below this token-cell size a pane draws a heatmap; below the next, it elides.
constexpr double kMinCellsPx = 13.0;
constexpr double kMinHeatmapPx = 4.0;
// A pane too short for even that drops column labels and notes and draws cells this small.
constexpr double kSmallestHeatmapPx = 1.5;
constexpr double kMaxCellPx = 72.0;
// In a heatmap the head_dim axis is drawn this much narrower than the token axis.
constexpr double kHeatmapDimShare = 0.3;
// Presenting, numbered cells are this much wider than high: a number ("-1.46")
// is wider than it is tall, and a pane beside another has width to spare where
// its height runs out (two rows of matrices, with Kᵀ head_dim cells high).
constexpr double kPresentationAspect = 1.6;
// In a window, a pane whose height runs out with width to spare (one pane
// alone) widens its numbered cells up to this much, so that numbers fit them.
constexpr double kMaxWindowAspect = 1.8;
// Presenting, the pane's title and stats lines scale up to this much (stats at ~19 px).
constexpr double kPresentingChromeScale = 1.25;
// The stats lines' type size at chrome scale 1, the same in both panes.
constexpr double kStatsPx = 15.0;
// The room between a pane's edge and what it draws, at chrome scale 1:
// presenting, the cells take what a window leaves for air.
constexpr double kWindowPad = 12.0;
constexpr double kPresentingPad = 4.0;

// The sizes one candidate layout uses.
struct Sizes {
    Detail detail = Detail::Cells;
    double token = 20; // cell edge along the token axis
    double dim = 20;   // cell edge along head_dim
    double label = 13;
    double labelWidth = 0; // widest row label plus its gap
    double op = 0;         // room for an operator between two matrices
    double titleSpace = 0, below = 0;

    double aspect = 1;     // numbered cells this many times wider than high
    double degrees = 50;   // column labels turned by this much
    double cellW(const MatrixSpec& spec) const { return (spec.colsAreTokens() ? token : dim) * aspect; }
    double cellH(const MatrixSpec& spec) const { return spec.rowsAreTokens() ? token : dim; }
};

double textWidth(const QString& text, double px, bool bold)
{
    return QFontMetricsF(pixelFont(px, bold)).horizontalAdvance(text);
}

// The widest column label of `spec` as painted: cut to the longest a label may run.
double widestColumnLabel(const MatrixSpec& spec, double labelPx)
{
    const QFontMetricsF metrics(pixelFont(labelPx));
    double widest = 0;
    for (const QString& label : spec.colLabels)
        widest = std::max(widest, metrics.horizontalAdvance(label));
    return std::min(widest, columnLabelRun(labelPx));
}

constexpr double kRadiansPerDegree = 3.14159265358979 / 180.0;

// How far turned column labels reach right of the grid's last column.
double columnLabelReach(const MatrixSpec& spec, double labelPx, double degrees)
{
    if (spec.colLabels.isEmpty())
        return 0.0;
    const double angle = degrees * kRadiansPerDegree;
    return widestColumnLabel(spec, labelPx) * std::cos(angle) + 0.4 * labelPx * std::sin(angle);
}

// How high the band of turned column labels above the grid is: the widest
// label turned, its line height turned and its gap to the grid.
double columnLabelHeight(const MatrixSpec& spec, double labelPx, double degrees)
{
    if (spec.colLabels.isEmpty())
        return 0.0;
    const double angle = degrees * kRadiansPerDegree;
    return std::ceil(widestColumnLabel(spec, labelPx) * std::sin(angle) + labelPx * (std::cos(angle) + 0.4));
}

double titleWidth(const MatrixSpec& spec, const Sizes& sizes)
{
    return textWidth(spec.title, sizes.label * 1.15, true);
}

// How far a title may run past its slot on each side: over the operator's gap,
// half of it each, leaving half a label between two titles.
double titleSpill(const Sizes& sizes)
{
    return std::max(0.0, (sizes.op - 0.5 * sizes.label) / 2);
}

// How far the title of `spec` runs past its slot of width `slot` on each side.
double titleOverrun(const MatrixSpec& spec, const Sizes& sizes, double slot)
{
    return std::max(0.0, (titleWidth(spec, sizes) - slot) / 2);
}

// How wide one matrix's slot is: its grid, or its title, caption or note where
// wider (a title may spill over the gaps beside it).
double slotWidth(const MatrixSpec& spec, const Sizes& sizes)
{
    const double grid = spec.cols() * sizes.cellW(spec);
    const double title = titleWidth(spec, sizes) - 2 * titleSpill(sizes);
    const double note = spec.note.isEmpty() ? 0.0 : textWidth(spec.note, sizes.label, true) + sizes.label;
    const double caption = textWidth(spec.caption, sizes.label, false) + sizes.label;
    return std::max({grid, title, note, caption});
}

double labelsWidth(const ByRole<MatrixSpec>& matrices, const RowItem& item, const Sizes& sizes)
{
    return item.labels && !matrices[item.role].rowLabels.isEmpty() ? sizes.labelWidth : 0.0;
}

// How far the turned column labels of row item `i` run past the room right of
// its grid: they lean over the operator and the next matrix's row labels.
double overhang(const ByRole<MatrixSpec>& matrices, const std::vector<RowItem>& row, std::size_t i, const Sizes& sizes)
{
    const MatrixSpec& spec = matrices[row[i].role];
    const double reach = columnLabelReach(spec, sizes.label, sizes.degrees);
    const double beside = (slotWidth(spec, sizes) - spec.cols() * sizes.cellW(spec)) / 2;
    double room = 0.0;
    if (i + 1 < row.size()) {
        const MatrixSpec& next = matrices[row[i + 1].role];
        room = sizes.op + labelsWidth(matrices, row[i + 1], sizes);
        // Above a matrix without column labels of its own (V, the output) the band is free too.
        if (next.colLabels.isEmpty())
            room += slotWidth(next, sizes);
    }
    return std::max(0.0, reach - beside - room);
}

// How far the first title of a row runs left of the row's first labels and
// slot, and the last one right of its slot and column labels.
std::pair<double, double> rowOverruns(const ByRole<MatrixSpec>& matrices, const std::vector<RowItem>& row, const Sizes& sizes)
{
    const MatrixSpec& first = matrices[row.front().role];
    const MatrixSpec& last = matrices[row.back().role];
    const double left = titleOverrun(first, sizes, slotWidth(first, sizes)) - labelsWidth(matrices, row.front(), sizes);
    const double right = titleOverrun(last, sizes, slotWidth(last, sizes)) - overhang(matrices, row, row.size() - 1, sizes);
    return {std::max(0.0, left), std::max(0.0, right)};
}

double rowWidth(const ByRole<MatrixSpec>& matrices, const std::vector<RowItem>& row, const Sizes& sizes)
{
    const auto [left, right] = rowOverruns(matrices, row, sizes);
    double width = left + right + sizes.op * static_cast<double>(row.size() - 1);
    for (std::size_t i = 0; i < row.size(); ++i)
        width += labelsWidth(matrices, row[i], sizes) + slotWidth(matrices[row[i].role], sizes)
            + overhang(matrices, row, i, sizes);
    return width;
}

// The band of turned column labels above a row's grids: as high as its widest label needs.
double columnBand(const ByRole<MatrixSpec>& matrices, const std::vector<RowItem>& row, const Sizes& sizes)
{
    double band = sizes.label * 0.4;
    for (const RowItem& item : row)
        band = std::max(band, columnLabelHeight(matrices[item.role], sizes.label, sizes.degrees));
    return band;
}

double rowHeight(const ByRole<MatrixSpec>& matrices, const std::vector<RowItem>& row, const Sizes& sizes)
{
    double grid = 0;
    for (const RowItem& item : row) {
        const MatrixSpec& spec = matrices[item.role];
        grid = std::max(grid, spec.rows() * sizes.cellH(spec));
    }
    return sizes.titleSpace + columnBand(matrices, row, sizes) + grid + sizes.below;
}

// The widest row label of `spec` plus its gap.
double rowLabelWidth(const MatrixSpec& spec, double fontPx)
{
    const QFontMetricsF metrics(pixelFont(fontPx));
    double widest = 0;
    for (const QString& label : spec.rowLabels)
        widest = std::max(widest, metrics.horizontalAdvance(label));
    return widest + fontPx * 0.8;
}

double widestLabel(const ByRole<MatrixSpec>& matrices, double fontPx)
{
    double widest = 0;
    for (const MatrixSpec& spec : matrices)
        widest = std::max(widest, rowLabelWidth(spec, fontPx));
    return widest;
}

Sizes sizesFor(const ByRole<MatrixSpec>& matrices, Detail detail, double token, double scale, bool presenting,
               double aspect)
{
    Sizes sizes;
    sizes.detail = detail;
    sizes.token = token;
    sizes.dim = detail == Detail::Cells ? token : std::max(1.0, token * kHeatmapDimShare);
    sizes.aspect = aspect > 0 ? aspect : presenting && detail == Detail::Cells ? kPresentationAspect : 1.0;
    sizes.degrees = columnLabelDegrees(presenting);
    // Labels follow the cells within bounds; presenting, they may take more of
    // a cell, and follow its width: cells grown taller at the same width keep them.
    const double share = presenting ? 0.6 : 0.55;
    const double basis = presenting && detail == Detail::Cells ? token * sizes.aspect / kPresentationAspect : token;
    sizes.label = std::clamp(basis * share, kMinLabelPx * std::min(scale, 1.4), kMaxLabelPx * scale);
    sizes.labelWidth = widestLabel(matrices, sizes.label);
    // Room for "·" or "=" between two matrices; presenting, the cells take what air a window leaves.
    sizes.op = (presenting ? 1.5 : 2.2) * sizes.label;
    sizes.titleSpace = sizes.label * 2.0;
    const bool notes = std::any_of(matrices.begin(), matrices.end(), [](const MatrixSpec& spec) { return !spec.note.isEmpty(); });
    sizes.below = notes ? sizes.label * 2.9 : sizes.label * 1.6;
    return sizes;
}

// How the two products are arranged: Q·Kᵀ = scores above weights·V = output,
// or both on one line (a wide, short pane, as when the panes are stacked).
enum class Arrangement { TwoRows, OneLine };

const std::vector<RowItem>& bothRows()
{
    static const std::vector<RowItem> both = [] {
        std::vector<RowItem> all = kRowA;
        all.insert(all.end(), kRowB.begin(), kRowB.end());
        return all;
    }();
    return both;
}

// The gap between the two products on one line.
double productGap(const Sizes& sizes) { return 2.5 * sizes.op; }

bool fits(const ByRole<MatrixSpec>& matrices, const Sizes& sizes, const QSizeF& body, Arrangement arrangement)
{
    const double widthA = rowWidth(matrices, kRowA, sizes);
    const double widthB = rowWidth(matrices, kRowB, sizes);
    if (arrangement == Arrangement::OneLine)
        return widthA + productGap(sizes) + widthB <= body.width() && rowHeight(matrices, bothRows(), sizes) <= body.height();
    return widthA <= body.width() && widthB <= body.width()
        && rowHeight(matrices, kRowA, sizes) + rowHeight(matrices, kRowB, sizes) <= body.height();
}

// What the solver holds fixed while it searches for a cell size.
struct Room {
    QSizeF body;
    double scale = 1;
    bool presenting = false;
    Arrangement arrangement = Arrangement::TwoRows;

    Sizes sizes(const ByRole<MatrixSpec>& matrices, Detail detail, double token, double aspect = 0) const
    {
        return sizesFor(matrices, detail, token, scale, presenting, aspect);
    }
    bool fits(const ByRole<MatrixSpec>& matrices, Detail detail, double token, double aspect = 0) const
    {
        return ::kvlab::fits(matrices, sizes(matrices, detail, token, aspect), body, arrangement);
    }
};

// The largest token cell in [low, high] at which everything fits (bisection:
// every size grows with the cell); `low` when even that does not fit.
double largestFittingCell(const ByRole<MatrixSpec>& matrices, Detail detail, double low, double high, const Room& room)
{
    if (room.fits(matrices, detail, high))
        return high;
    for (int round = 0; round < 14; ++round) {
        const double middle = (low + high) / 2;
        (room.fits(matrices, detail, middle) ? low : high) = middle;
    }
    return low;
}

// Places a row centred in `body` with grids starting at `top`; returns the operator centres.
// `left` < 0: centred. `band`: the height of the column labels above the grids.
std::vector<QPointF> placeRow(AttentionDiagram::Layout& layout, const std::vector<RowItem>& row, const Sizes& sizes,
                              const QRectF& body, double top, double left, double band)
{
    double x = (left >= 0 ? left : body.left() + (body.width() - rowWidth(layout.matrices, row, sizes)) / 2)
        + rowOverruns(layout.matrices, row, sizes).first;
    const double titleTop = top - band - sizes.titleSpace;
    std::vector<QPointF> operators;
    for (std::size_t i = 0; i < row.size(); ++i) {
        const MatrixSpec& spec = layout.matrices[row[i].role];
        const double grid = spec.cols() * sizes.cellW(spec);
        const double widened = slotWidth(spec, sizes);
        if (i > 0) {
            const MatrixSpec& previous = layout.matrices[row[i - 1].role];
            const double rows = std::min(previous.rows() * sizes.cellH(previous), 4.0 * sizes.token);
            operators.emplace_back(x - sizes.op / 2, top + rows / 2);
        }
        x += labelsWidth(layout.matrices, row[i], sizes);
        layout.places[row[i].role] = {QPointF(x + (widened - grid) / 2, top), sizes.cellW(spec), sizes.cellH(spec),
                                               titleTop, sizes.detail};
        x += widened + overhang(layout.matrices, row, i, sizes) + sizes.op;
    }
    return operators;
}

// The query rows per stacked head and the heads stacked, as the specs hold them.
struct QueryShape {
    int perBlock;
    int blocks;
    int appendedFrom;
};

ByRole<MatrixSpec> windowed(const ByRole<MatrixSpec>& full, const SequenceWindow& window, const QueryShape& q)
{
    ByRole<MatrixSpec> shown;
    for (Role role : ByRole<MatrixSpec>::kRoles)
        shown[role] = window.apply(full[role], q.perBlock, q.blocks, q.appendedFrom);
    return shown;
}

// What the solver settled on for one arrangement.
struct Solution {
    ByRole<MatrixSpec> shown;
    Detail detail = Detail::Cells;
    SequenceWindow window = SequenceWindow::all(0);
    double cell = 0;
    double aspect = 0; // 0: the arrangement's own (square in a window)
    Arrangement arrangement = Arrangement::TwoRows;
    bool fitted = false;

    bool better(const Solution& other) const
    {
        if (fitted != other.fitted)
            return fitted;
        if (detail != other.detail)
            return detail == Detail::Cells;
        if (window.hidden() != other.window.hidden())
            return window.hidden() < other.window.hidden();
        return cell > other.cell;
    }
};

// The most tokens that fit at the smallest heatmap cell `minimum`, as a window around the current one.
SequenceWindow fittingWindow(const ByRole<MatrixSpec>& full, const QueryShape& queries, int length, double minimum,
                             const Room& room)
{
    auto fitsShowing = [&](int tokens) {
        return room.fits(windowed(full, SequenceWindow::around(length, tokens), queries), Detail::Heatmap, minimum);
    };
    int low = std::min(length, 4);
    int high = length - 1;
    while (low < high) {
        const int middle = (low + high + 1) / 2;
        if (fitsShowing(middle))
            low = middle;
        else
            high = middle - 1;
    }
    return SequenceWindow::around(length, low);
}

// In a window: how much wider than high numbered cells of height `cell` can be
// (1 when the width ran out first, as side by side).
double widestAspect(const ByRole<MatrixSpec>& matrices, double cell, const Room& room)
{
    double low = 1.0;
    double high = kMaxWindowAspect;
    if (room.fits(matrices, Detail::Cells, cell, high))
        return high;
    for (int round = 0; round < 12; ++round) {
        const double middle = (low + high) / 2;
        (room.fits(matrices, Detail::Cells, cell, middle) ? low : high) = middle;
    }
    return low;
}

// Presenting: numbered cells `width` wide (as wide as fit at
// kPresentationAspect), then as high as the pane allows at that width, up to
// square, so that the height a wide pane has to spare goes to the cells too.
double tallestCell(const ByRole<MatrixSpec>& matrices, double width, double low, const Room& room)
{
    double high = width;
    if (room.fits(matrices, Detail::Cells, high, 1.0))
        return high;
    for (int round = 0; round < 12; ++round) {
        const double middle = (low + high) / 2;
        (room.fits(matrices, Detail::Cells, middle, width / middle) ? low : high) = middle;
    }
    return low;
}

// What a pane leaves out, one more thing at a time, when it is short of room.
enum class Reduction {
    None,
    RepeatedRowLabels, // the scores' rows (Q's) and V's rows (the weights' columns) unnamed
    ColumnLabels,      // and no column labels or notes: hovering still names every cell
};

ByRole<MatrixSpec> reduced(ByRole<MatrixSpec> specs, Reduction reduction)
{
    if (reduction >= Reduction::RepeatedRowLabels) {
        specs[Role::Scores].rowLabels.clear();
        specs[Role::Values].rowLabels.clear();
    }
    if (reduction >= Reduction::ColumnLabels)
        for (MatrixSpec& spec : specs) {
            spec.colLabels.clear();
            spec.note.clear();
        }
    return specs;
}

// A heatmap of `base` at cells of at least `minimum`, windowed around the current token when it must be.
Solution heatmap(const ByRole<MatrixSpec>& base, const QueryShape& queries, int length, double minimum, const Room& room)
{
    Solution result;
    result.arrangement = room.arrangement;
    result.detail = Detail::Heatmap;
    result.window = SequenceWindow::all(length);
    result.shown = base;
    result.cell = largestFittingCell(base, Detail::Heatmap, minimum, kMinCellsPx, room);
    if (!room.fits(base, Detail::Heatmap, result.cell)) {
        result.window = fittingWindow(base, queries, length, minimum, room);
        result.shown = windowed(base, result.window, queries);
        result.cell = largestFittingCell(result.shown, Detail::Heatmap, minimum, kMinCellsPx, room);
    }
    result.fitted = room.fits(result.shown, Detail::Heatmap, result.cell);
    return result;
}

// 1. Numbered cells, if they stay legible, the repeated row labels left out
//    if that is what it takes; 2. a heatmap with head_dim narrowed; 3. a
//    heatmap of a window around the current token; 4. that without column
//    labels and notes; 5. with smaller heatmap cells: a pane too short for
//    more draws less, never one box over another.
Solution solve(const ByRole<MatrixSpec>& full, const QueryShape& queries, int length, const Room& room)
{
    for (Reduction reduction : {Reduction::None, Reduction::RepeatedRowLabels}) {
        Solution result;
        result.arrangement = room.arrangement;
        result.window = SequenceWindow::all(length);
        result.shown = reduced(full, reduction);
        result.cell = largestFittingCell(result.shown, Detail::Cells, kMinCellsPx, kMaxCellPx, room);
        result.fitted = room.fits(result.shown, Detail::Cells, result.cell);
        if (result.fitted) {
            if (room.presenting) {
                const double width = result.cell * kPresentationAspect;
                result.cell = tallestCell(result.shown, width, result.cell, room);
                result.aspect = width / result.cell;
            } else {
                result.aspect = widestAspect(result.shown, result.cell, room);
            }
            return result;
        }
    }
    Solution result;
    for (Reduction reduction : {Reduction::None, Reduction::RepeatedRowLabels, Reduction::ColumnLabels}) {
        result = heatmap(reduced(full, reduction), queries, length, kMinHeatmapPx, room);
        if (result.fitted)
            return result;
    }
    return heatmap(reduced(full, Reduction::ColumnLabels), queries, length, kSmallestHeatmapPx, room);
}

} // namespace

const MatrixSpec& AttentionDiagram::Layout::matrix(MatrixSpec::Role role) const
{
    return matrices[role];
}

const MatrixPlacement& AttentionDiagram::Layout::place(MatrixSpec::Role role) const
{
    return places[role];
}

std::vector<std::pair<QString, QRectF>> AttentionDiagram::Layout::boxes() const
{
    std::vector<std::pair<QString, QRectF>> all{{QStringLiteral("pane title"), title}};
    for (std::size_t i = 0; i < stats.size(); ++i)
        all.emplace_back(QStringLiteral("stats line %1").arg(i + 1), stats[i].rect);
    const double lf = labelFontPx;
    for (Role role : ByRole<MatrixSpec>::kRoles) {
        const MatrixSpec& spec = matrices[role];
        const MatrixPlacement& at = places[role];
        appendMatrixBoxes(all, spec.title, spec, at, lf);
        if (!spec.colLabels.isEmpty()) {
            // Labels turned from the column centres, cut to the band's height.
            const QRectF grid = at.gridRect(spec);
            const double reach = columnLabelReach(spec, lf, columnLabelDegrees);
            const double band = columnLabelHeight(spec, lf, columnLabelDegrees);
            all.emplace_back(spec.title + QStringLiteral(" column labels"),
                             QRectF(grid.left(), grid.top() - band, grid.width() + reach, band - 1));
        }
    }
    return all;
}

AttentionDiagram::Layout AttentionDiagram::layout(const QRectF& rect, const Frame& frame) const
{
    Layout result;
    ByRole<MatrixSpec> full = attentionMatrices(frame, m_mode);
    // The output's rows are the weights' rows: one set of labels is enough.
    full[Role::Output].rowLabels.clear();
    if (frame.theme.presentation) {
        // Presenting, every pixel goes to the cells: the scores' rows are Q's
        // rows (named left of Q), and V's rows are the weights' columns.
        full[Role::Scores].rowLabels.clear();
        full[Role::Values].rowLabels.clear();
    }
    const double s = std::clamp(std::min(rect.width() / 900.0, rect.height() / 640.0), 0.75, 2.2) * frame.theme.typeScale;
    // The pane's title, stats lines and padding: presenting, as large as the
    // narration under the panes, and no larger; the rest goes to the cells.
    const double chrome = frame.theme.presentation ? std::min(s, kPresentingChromeScale) : s;
    result.scale = chrome;
    const bool presenting = frame.theme.presentation;
    const double pad = (presenting ? kPresentingPad : kWindowPad) * chrome;
    result.title = QRectF(rect.left() + pad, rect.top() + pad * 0.6, rect.width() - 2 * pad, 30.0 * chrome);
    // One type size for the stats of both panes, wrapped in their boxes; both
    // panes keep room for the taller stack, so side by side their matrices match.
    const double statsWidth = rect.width() - 2 * pad;
    result.stats = statsBoxes(frame, m_mode, statsWidth, kStatsPx * chrome);
    const kv::DecodeMode other = m_mode == kv::DecodeMode::Cached ? kv::DecodeMode::Uncached : kv::DecodeMode::Cached;
    const double footerHeight = std::max(stackHeight(result.stats), stackHeight(statsBoxes(frame, other, statsWidth, kStatsPx * chrome)));
    result.footer = QRectF(rect.left() + pad, rect.bottom() - footerHeight - pad * 0.5, statsWidth, footerHeight);
    for (TextBox& box : result.stats)
        box.rect.translate(result.footer.topLeft());
    QRectF body(rect.left() + pad, result.title.bottom() + pad * 0.5, rect.width() - 2 * pad,
                result.footer.top() - result.title.bottom() - pad);
    result.body = body;

    const kv::HeadRecord& head = frame.headRecord(m_mode);
    const QueryShape queries{static_cast<int>(head.queries.rows()), static_cast<int>(sharingHeads(frame).size()),
                             head.appendedFrom};
    const int length = static_cast<int>(head.keys.rows());

    Room twoRows{body.size(), s, presenting, Arrangement::TwoRows};
    Room oneLine = twoRows;
    oneLine.arrangement = Arrangement::OneLine;
    // Whichever arrangement draws more: numbered cells before a heatmap, then the larger cell.
    Solution best = solve(full, queries, length, twoRows);
    Solution line = solve(full, queries, length, oneLine);
    if (!best.fitted && !line.fitted) {
        // Too short a pane even for that: the stats lines give their room to the matrices.
        result.footer = QRectF(result.footer.left(), rect.bottom() - pad * 0.5, result.footer.width(), 0);
        result.stats.clear();
        body.setBottom(result.footer.top() - pad * 0.5);
        result.body = body;
        twoRows.body = oneLine.body = body.size();
        best = solve(full, queries, length, twoRows);
        line = solve(full, queries, length, oneLine);
    }
    if (line.better(best))
        best = line;
    const Room& room = best.arrangement == Arrangement::OneLine ? oneLine : twoRows;
    result.matrices = std::move(best.shown);
    result.detail = best.detail;
    result.hiddenTokens = best.window.hidden();
    const double cell = best.cell;
    const Sizes sizes = room.sizes(result.matrices, best.detail, cell, best.aspect);
    result.labelFontPx = sizes.label;
    result.columnLabelDegrees = sizes.degrees;
    result.operatorPx = std::min({26.0 * s, sizes.label * 1.8, sizes.op});

    std::vector<QPointF> second;
    if (best.arrangement == Arrangement::OneLine) {
        const double height = rowHeight(result.matrices, bothRows(), sizes);
        const double band = columnBand(result.matrices, bothRows(), sizes);
        const double top = body.top() + std::max(0.0, body.height() - height) * 0.3 + sizes.titleSpace + band;
        const double widthA = rowWidth(result.matrices, kRowA, sizes);
        const double width = widthA + productGap(sizes) + rowWidth(result.matrices, kRowB, sizes);
        const double left = body.left() + std::max(0.0, body.width() - width) / 2;
        result.operators = placeRow(result, kRowA, sizes, body, top, left, band);
        second = placeRow(result, kRowB, sizes, body, top, left + widthA + productGap(sizes), band);
    } else {
        const double heightA = rowHeight(result.matrices, kRowA, sizes);
        const double heightB = rowHeight(result.matrices, kRowB, sizes);
        const double spare = std::max(0.0, body.height() - heightA - heightB);
        const double bandA = columnBand(result.matrices, kRowA, sizes);
        const double bandB = columnBand(result.matrices, kRowB, sizes);
        const double topA = body.top() + spare * 0.2 + sizes.titleSpace + bandA;
        const double topB = body.top() + spare * 0.5 + heightA + sizes.titleSpace + bandB;
        result.operators = placeRow(result, kRowA, sizes, body, topA, -1, bandA);
        second = placeRow(result, kRowB, sizes, body, topB, -1, bandB);
    }
    result.operators.insert(result.operators.end(), second.begin(), second.end());
    return result;
}

void AttentionDiagram::paint(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    painter.setPen(QPen(frame.theme.grid, 1));
    painter.setBrush(frame.theme.panel);
    painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 8, 8);
    if (!frame.valid()) {
        painter.restore();
        return;
    }
    const Layout place = layout(rect, frame);
    paintHeader(painter, place, frame);
    if (frame.phase == Phase::Rotate) {
        // Rotary models: the body shows RoPE turning q and k instead.
        RotationDiagram(m_mode).paint(painter, place.body, frame);
        paintFooter(painter, place, frame);
        painter.restore();
        return;
    }
    painter.setRenderHint(QPainter::Antialiasing, false);
    for (Role role : ByRole<MatrixSpec>::kRoles)
        paintMatrix(painter, place.matrices[role], place.places[role], frame.theme, place.labelFontPx);
    painter.setRenderHint(QPainter::Antialiasing, true);
    paintOperators(painter, place, frame);
    paintFooter(painter, place, frame);
    painter.restore();
}

void AttentionDiagram::paintHeader(QPainter& painter, const Layout& layout, const Frame& frame) const
{
    const bool cached = m_mode == kv::DecodeMode::Cached;
    const QColor accent = cached ? frame.theme.cachedAccent : frame.theme.uncachedAccent;
    painter.setFont(pixelFont(19.0 * layout.scale, true));
    painter.setPen(accent);
    const QString title = cached ? tr("WITH KV cache") : tr("WITHOUT KV cache");
    painter.drawText(layout.title, Qt::AlignLeft | Qt::AlignVCenter, title);
    const double titleWidth = QFontMetricsF(painter.font()).horizontalAdvance(title);
    // The subtitle as large as fits beside the title, down to the smallest
    // legible size; past that, cut with an ellipsis rather than at the pane's edge.
    const QRectF room = layout.title.adjusted(titleWidth + 12 * layout.scale, 0, 0, 0);
    const QString subtitle = Narrator::paneSubtitle(frame, m_mode);
    const double px = std::max(kMinLabelPx, fittingPixelSize(subtitle, room.width(), 14.0 * layout.scale, false));
    painter.setFont(pixelFont(px));
    painter.setPen(frame.theme.text);
    painter.drawText(room, Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetricsF(painter.font()).elidedText(subtitle, Qt::ElideRight, room.width()));
}

void AttentionDiagram::paintOperators(QPainter& painter, const Layout& layout, const Frame& frame) const
{
    painter.setFont(pixelFont(layout.operatorPx, true));
    painter.setPen(frame.theme.text);
    static const QString symbols[] = {QStringLiteral("·"), QStringLiteral("="), QStringLiteral("·"), QStringLiteral("=")};
    const double size = layout.operatorPx * 1.6;
    for (std::size_t i = 0; i < layout.operators.size() && i < 4; ++i)
        painter.drawText(QRectF(layout.operators[i] - QPointF(size / 2, size / 2), QSizeF(size, size)), Qt::AlignCenter,
                         symbols[i]);
}

void AttentionDiagram::paintFooter(QPainter& painter, const Layout& layout, const Frame& frame) const
{
    if (layout.stats.empty())
        return; // a pane too short for them: the matrices took their room
    const Narrator::Verdict verdict = Narrator::paneVerdict(frame, m_mode);
    for (const TextBox& box : layout.stats) {
        painter.setFont(pixelFont(box.px, box.bold));
        // The bold line is the verdict: green when both sides agree, red when not.
        painter.setPen(!box.bold ? frame.theme.text
                                 : verdict.known ? (verdict.agrees ? frame.theme.good : frame.theme.bad) : frame.theme.mutedText);
        painter.drawText(box.rect, box.flags, box.text);
    }
}

QString AttentionDiagram::tooltipAt(const QRectF& rect, const Frame& frame, QPointF point) const
{
    if (!frame.valid())
        return {};
    const Layout place = layout(rect, frame);
    if (frame.phase == Phase::Rotate)
        return RotationDiagram(m_mode).tooltipAt(place.body, frame, point);
    for (Role role : ByRole<MatrixSpec>::kRoles) {
        if (const auto cell = place.places[role].cellAt(place.matrices[role], point))
            return describeCell(frame, place.matrices[role], cell->first, cell->second);
    }
    return {};
}

QString AttentionDiagram::describeCell(const Frame& frame, const MatrixSpec& spec, int shownRow, int shownCol) const
{
    if (spec.inBand(shownRow, shownCol))
        return tr("%1 tokens are not drawn here, to keep the others legible; the first tokens and the newest stay in view. Show one pane alone to see more of them.")
            .arg(std::max(spec.elidedRows, spec.elidedCols));
    const kv::HeadRecord& head = frame.headRecord(m_mode);
    const CellState state = spec.state(shownRow, shownCol);
    const double value = spec.values(shownRow, shownCol);
    const int row = spec.sourceRow(shownRow); // in the full matrix
    const int col = spec.sourceCol(shownCol);
    if (state == CellState::Pending)
        return tr("Not computed yet: this appears in a later phase of the step.");
    const int headDim = static_cast<int>(head.queries.cols());
    const bool querySide = spec.role != Role::KeysT && spec.role != Role::Values;
    const QueryRowRef ref = querySide ? queryRowAt(frame, m_mode, row) : QueryRowRef{frame.head, row};
    const int query = head.appendedFrom + ref.row; // key-row index of a query row
    QString what;
    int keyRow = -1;
    // Rotary models: q and k carry their position once the Rotate phase has
    // turned them; a cached key was turned before it was cached.
    const bool rotary = frame.lesson->config().position == kv::PositionKind::Rotary;
    const bool rotated = rotary && frame.reached(Phase::Rotate);
    const bool keyRotated = rotated || (rotary && m_mode == kv::DecodeMode::Cached);
    switch (spec.role) {
    case Role::Queries:
        what = (rotated ? tr("q%1[%2] = RoPE(x%1 · W_Q) (head %3) = %4") : tr("q%1[%2] = x%1 · W_Q (head %3) = %4"))
                   .arg(subscript(query)).arg(col).arg(ref.head).arg(value, 0, 'f', 4);
        keyRow = query;
        break;
    case Role::KeysT:
        what = (keyRotated ? tr("k%1[%2] = RoPE(x%1 · W_K) (KV head %3) = %4") : tr("k%1[%2] = x%1 · W_K (KV head %3) = %4"))
                   .arg(subscript(col)).arg(row).arg(head.kvHead).arg(value, 0, 'f', 4);
        keyRow = col;
        break;
    case Role::Values:
        what = tr("v%1[%2] = x%1 · W_V (KV head %3) = %4").arg(subscript(row)).arg(col).arg(head.kvHead).arg(value, 0, 'f', 4);
        keyRow = row;
        break;
    case Role::Scores:
        if (state == CellState::Masked)
            return tr("score[%1,%2] is masked: token %2 comes after token %1, so it is set to −∞ and gets weight 0.")
                .arg(query).arg(col);
        what = tr("score[%1,%2] = q%3·k%4 / √%5 = %6").arg(query).arg(col).arg(subscript(query), subscript(col)).arg(headDim)
                   .arg(value, 0, 'f', 4);
        break;
    case Role::Weights:
        if (state == CellState::Masked)
            return tr("weight[%1,%2] = 0: the causal mask hides future tokens.").arg(query).arg(col);
        what = tr("weight[%1,%2] = softmax(score row %1)[%2] = %3").arg(query).arg(col).arg(value, 0, 'f', 4);
        break;
    case Role::Output:
        what = tr("out%1[%2] = Σⱼ weight[%3,j] · vⱼ[%2] = %4").arg(subscript(query)).arg(col).arg(query).arg(value, 0, 'f', 4);
        break;
    }
    QStringList lines{what, Theme::stateName(state)};
    if (keyRow >= 0 && keyRow < static_cast<int>(frame.record(m_mode).keyTokens.size())) {
        const int first = firstComputedAt(frame, m_mode, keyRow);
        lines << (first < 0 ? tr("left in the cache by an earlier prompt")
                            : tr("token \"%1\", first computed at step %2")
                                  .arg(frame.lesson->token(frame.record(m_mode).keyTokens[static_cast<std::size_t>(keyRow)]))
                                  .arg(first));
    }
    if (state == CellState::Wasted)
        lines << tr("Step %1 already produced this row; only the last row decides the next token.").arg(frame.step - 1);
    return lines.join(QLatin1Char('\n'));
}

} // namespace kvlab
