#include "AttentionDiagram.h"

#include "Typography.h"

#include "AttentionMatrices.h"
#include "Narrator.h"

#include <QFontMetricsF>

#include <cmath>

namespace kvlab {

namespace {

using Role = MatrixSpec::Role;

double widestLabel(const std::vector<MatrixSpec>& matrices, double fontPx)
{
    const QFontMetricsF metrics(pixelFont(fontPx));
    double widest = 0;
    for (const MatrixSpec& spec : matrices)
        for (const QString& label : spec.rowLabels)
            widest = std::max(widest, metrics.horizontalAdvance(label));
    return widest + fontPx * 0.8;
}

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

} // namespace

AttentionDiagram::AttentionDiagram(kv::DecodeMode mode)
    : m_mode(mode)
{
}

namespace {

// One matrix in a row of the diagram: row labels (optional) left of its grid,
// the grid widened to its title where the title is wider, operators between.
struct RowItem {
    int matrix;
    bool labels;
};

struct RowMetrics {
    double labelWidth;
    double op;
    double titlePx;
};

double titleWidth(const MatrixSpec& spec, const RowMetrics& metrics)
{
    return QFontMetricsF(pixelFont(metrics.titlePx, true)).horizontalAdvance(spec.title) + metrics.titlePx;
}

double slotWidth(const MatrixSpec& spec, const RowItem& item, double cell, const RowMetrics& metrics)
{
    return (item.labels ? metrics.labelWidth : 0.0) + std::max(spec.cols() * cell, titleWidth(spec, metrics));
}

double rowWidth(const std::vector<MatrixSpec>& matrices, const std::vector<RowItem>& row, double cell,
                const RowMetrics& metrics)
{
    double width = metrics.op * static_cast<double>(row.size() - 1);
    for (const RowItem& item : row)
        width += slotWidth(matrices[static_cast<std::size_t>(item.matrix)], item, cell, metrics);
    return width;
}

// The largest cell (up to `cell`) at which the row fits in `width`.
double fitRow(const std::vector<MatrixSpec>& matrices, const std::vector<RowItem>& row, double cell, double width,
              const RowMetrics& metrics)
{
    for (int i = 0; i < 8 && cell > 4.0; ++i) {
        const double needed = rowWidth(matrices, row, cell, metrics);
        if (needed <= width)
            break;
        cell *= width / needed * 0.995;
    }
    return std::max(cell, 4.0);
}

// Places a row centred in `body` at grid top `top`; returns the operator centres.
std::vector<QPointF> placeRow(AttentionDiagram::Layout& layout, const std::vector<RowItem>& row, const QRectF& body,
                              double top, double titleTop, const RowMetrics& metrics)
{
    const double cell = layout.places[0].cell;
    double x = body.left() + (body.width() - rowWidth(layout.matrices, row, cell, metrics)) / 2;
    std::vector<QPointF> operators;
    for (std::size_t i = 0; i < row.size(); ++i) {
        const MatrixSpec& spec = layout.matrices[static_cast<std::size_t>(row[i].matrix)];
        const double grid = spec.cols() * cell;
        const double widened = std::max(grid, titleWidth(spec, metrics));
        if (i > 0) {
            const double previousRows = layout.matrices[static_cast<std::size_t>(row[i - 1].matrix)].rows();
            operators.emplace_back(x - metrics.op / 2, top + std::min(previousRows, 4.0) * cell / 2);
        }
        x += row[i].labels ? metrics.labelWidth : 0.0;
        layout.places[static_cast<std::size_t>(row[i].matrix)] = {QPointF(x + (widened - grid) / 2, top), cell, titleTop};
        x += widened + metrics.op;
    }
    return operators;
}

} // namespace

AttentionDiagram::Layout AttentionDiagram::layout(const QRectF& rect, const Frame& frame) const
{
    Layout result;
    result.matrices = attentionMatrices(frame, m_mode);
    // The output's rows are the weights' rows: one set of labels is enough.
    result.matrices[5].rowLabels.clear();
    const double s = std::clamp(rect.width() / 900.0, 0.75, 2.2) * frame.theme.typeScale;
    result.scale = s;
    const double pad = 12.0 * s;
    result.title = QRectF(rect.left() + pad, rect.top() + pad * 0.6, rect.width() - 2 * pad, 30.0 * s);
    const double footerHeight = 4 * 19.0 * s;
    result.footer = QRectF(rect.left() + pad, rect.bottom() - footerHeight - pad * 0.5, rect.width() - 2 * pad, footerHeight);
    const QRectF body(rect.left() + pad, result.title.bottom() + pad * 0.5, rect.width() - 2 * pad,
                      result.footer.top() - result.title.bottom() - pad);

    const auto& m = result.matrices;
    const std::vector<RowItem> rowA{{0, true}, {1, false}, {2, true}};  // Q · Kᵀ = scores
    const std::vector<RowItem> rowB{{3, true}, {4, true}, {5, false}};  // weights · V = output
    const int rowsA = std::max(m[0].rows(), m[1].rows());
    const int rowsB = std::max(m[3].rows(), m[4].rows());

    // Labels take room from the cells, so size them from a first guess of the
    // cell and settle the cell size for that label size.
    struct Fit {
        double cell;
        RowMetrics metrics;
        double titleSpace, columnLabels, below;
    };
    auto fit = [&](double lf) {
        Fit f{};
        f.metrics = {widestLabel(m, lf), 2.2 * lf, lf * 1.15};
        f.titleSpace = lf * 2.0;
        f.columnLabels = lf * 4.2;
        f.below = lf * 2.9;
        const double fixedHeight = 2 * (f.titleSpace + f.columnLabels + f.below);
        double cell = std::min((body.height() - fixedHeight) / (rowsA + rowsB), 60.0 * s);
        cell = fitRow(m, rowA, cell, body.width(), f.metrics);
        f.cell = fitRow(m, rowB, cell, body.width(), f.metrics);
        return f;
    };
    const double maxLabel = 15.0 * s;
    // Presenting, labels may take more of the room from the cells: they are read from the back row.
    const double labelShare = frame.theme.presentation ? 0.6 : 0.55;
    // Larger labels leave smaller cells: find the largest label size that is
    // still at most its share of the cell it leaves (bisection; fit() is monotone).
    double small = std::min(10.0, maxLabel);
    double large = maxLabel;
    for (int round = 0; round < 6; ++round) {
        const double middle = (small + large) / 2;
        (fit(middle).cell * labelShare >= middle ? small : large) = middle;
    }
    result.labelFontPx = small;
    const Fit f = fit(result.labelFontPx);

    const double spare = std::max(0.0, body.height() - 2 * (f.titleSpace + f.columnLabels + f.below) - f.cell * (rowsA + rowsB));
    const double topA = body.top() + spare * 0.2 + f.titleSpace + f.columnLabels;
    const double topB = topA + rowsA * f.cell + f.below + spare * 0.3 + f.titleSpace + f.columnLabels;
    result.places.assign(6, MatrixPlacement{QPointF(), f.cell, 0.0});
    result.operators = placeRow(result, rowA, body, topA, topA - f.columnLabels - f.titleSpace, f.metrics);
    const auto second = placeRow(result, rowB, body, topB, topB - f.columnLabels - f.titleSpace, f.metrics);
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
    painter.setRenderHint(QPainter::Antialiasing, false);
    for (std::size_t i = 0; i < place.matrices.size(); ++i)
        paintMatrix(painter, place.matrices[i], place.places[i], frame.theme, place.labelFontPx);
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
    painter.setFont(pixelFont(14.0 * layout.scale));
    painter.setPen(frame.theme.text);
    painter.drawText(layout.title.adjusted(titleWidth + 12 * layout.scale, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                     Narrator::paneSubtitle(frame, m_mode));
}

void AttentionDiagram::paintOperators(QPainter& painter, const Layout& layout, const Frame& frame) const
{
    painter.setFont(pixelFont(std::min(26.0 * layout.scale, layout.labelFontPx * 1.8), true));
    painter.setPen(frame.theme.text);
    static const QString symbols[] = {QStringLiteral("·"), QStringLiteral("="), QStringLiteral("·"), QStringLiteral("=")};
    const double size = 40 * layout.scale;
    for (std::size_t i = 0; i < layout.operators.size() && i < 4; ++i)
        painter.drawText(QRectF(layout.operators[i] - QPointF(size / 2, size / 2), QSizeF(size, size)), Qt::AlignCenter,
                         symbols[i]);
}

void AttentionDiagram::paintFooter(QPainter& painter, const Layout& layout, const Frame& frame) const
{
    const Narrator::Verdict verdict = Narrator::paneVerdict(frame, m_mode);
    const QStringList lines{Narrator::paneWork(frame, m_mode), Narrator::paneMacs(frame, m_mode),
                            Narrator::paneMemory(frame, m_mode), verdict.text};
    const double lineHeight = layout.footer.height() / lines.size();
    // One type size for the three lines: the largest at which the longest fits.
    double px = 15.0 * layout.scale;
    for (const QString& text : lines)
        px = std::min(px, fittingPixelSize(text, layout.footer.width(), px, true));
    QRectF line(layout.footer.left(), layout.footer.top(), layout.footer.width(), lineHeight);
    for (int i = 0; i < lines.size(); ++i) {
        const bool last = i == lines.size() - 1;
        painter.setFont(pixelFont(px, last));
        painter.setPen(!last ? frame.theme.text
                             : verdict.known ? (verdict.agrees ? frame.theme.good : frame.theme.bad) : frame.theme.mutedText);
        painter.drawText(line, Qt::AlignLeft | Qt::AlignVCenter, lines[i]);
        line.translate(0, lineHeight);
    }
}

QString AttentionDiagram::tooltipAt(const QRectF& rect, const Frame& frame, QPointF point) const
{
    if (!frame.valid())
        return {};
    const Layout place = layout(rect, frame);
    for (std::size_t i = 0; i < place.matrices.size(); ++i) {
        if (const auto cell = place.places[i].cellAt(place.matrices[i], point))
            return describeCell(frame, place.matrices[i], cell->first, cell->second);
    }
    return {};
}

QString AttentionDiagram::describeCell(const Frame& frame, const MatrixSpec& spec, int row, int col) const
{
    const kv::HeadRecord& head = frame.headRecord(m_mode);
    const CellState state = spec.state(row, col);
    if (state == CellState::Pending)
        return tr("Not computed yet: this appears in a later phase of the step.");
    const int headDim = static_cast<int>(head.queries.cols());
    const bool querySide = spec.role != Role::KeysT && spec.role != Role::Values;
    const QueryRowRef ref = querySide ? queryRowAt(frame, m_mode, row) : QueryRowRef{frame.head, row};
    const int query = head.appendedFrom + ref.row; // key-row index of a query row
    const double value = spec.values(row, col);
    QString what;
    int keyRow = -1;
    switch (spec.role) {
    case Role::Queries:
        what = tr("q%1[%2] = x%1 · W_Q (head %3) = %4").arg(subscript(query)).arg(col).arg(ref.head).arg(value, 0, 'f', 4);
        keyRow = query;
        break;
    case Role::KeysT:
        what = tr("k%1[%2] = x%1 · W_K (KV head %3) = %4").arg(subscript(col)).arg(row).arg(head.kvHead).arg(value, 0, 'f', 4);
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
