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

AttentionDiagram::Layout AttentionDiagram::layout(const QRectF& rect, const Frame& frame) const
{
    Layout result;
    result.matrices = attentionMatrices(frame, m_mode);
    const double s = std::clamp(rect.width() / 900.0, 0.75, 2.2) * frame.theme.typeScale;
    result.scale = s;
    const double pad = 12.0 * s;
    result.title = QRectF(rect.left() + pad, rect.top() + pad * 0.6, rect.width() - 2 * pad, 30.0 * s);
    const double footerHeight = 4 * 19.0 * s;
    result.footer = QRectF(rect.left() + pad, rect.bottom() - footerHeight - pad * 0.5, rect.width() - 2 * pad, footerHeight);
    const QRectF body(rect.left() + pad, result.title.bottom() + pad * 0.5, rect.width() - 2 * pad,
                      result.footer.top() - result.title.bottom() - pad);

    const auto& m = result.matrices;
    const int headDim = m[0].cols();
    const int queries = m[0].rows();
    const int keys = m[1].cols();
    const int cellsA = headDim + 2 * keys;     // Q, Kᵀ, scores side by side
    const int cellsB = keys + 2 * headDim;     // weights, V, output side by side
    const int rowsA = std::max(queries, headDim);
    const int rowsB = std::max(queries, keys);

    // Labels take room from the cells, so size them from a first guess of the
    // cell and settle the cell size for that label size.
    struct Fit {
        double cell, labelWidth, op, titleSpace, columnLabels, below;
    };
    auto fit = [&](double lf) {
        Fit f{};
        f.labelWidth = widestLabel(m, lf);
        f.op = 2.2 * lf;
        f.titleSpace = lf * 2.0;
        f.columnLabels = lf * 4.2;
        f.below = lf * 2.9;
        // Row A: labels, Q, op, Kᵀ, op, labels, scores. Row B: labels, weights, op, labels, V, op, output.
        const double widthA = 2 * f.labelWidth + 2 * f.op;
        const double widthB = 2 * f.labelWidth + 2 * f.op;
        const double fixedHeight = 2 * (f.titleSpace + f.columnLabels + f.below);
        f.cell = std::min({(body.width() - widthA) / cellsA, (body.width() - widthB) / cellsB,
                           (body.height() - fixedHeight) / (rowsA + rowsB), 60.0 * s});
        f.cell = std::max(f.cell, 4.0);
        return f;
    };
    const double maxLabel = 15.0 * s;
    Fit f = fit(13.0 * s);
    result.labelFontPx = std::clamp(f.cell * 0.55, std::min(10.0, maxLabel), maxLabel);
    f = fit(result.labelFontPx);
    const double cell = f.cell;

    const double spare = std::max(0.0, body.height() - 2 * (f.titleSpace + f.columnLabels + f.below) - cell * (rowsA + rowsB));
    const double topA = body.top() + spare * 0.2 + f.titleSpace + f.columnLabels;
    const double topB = topA + rowsA * cell + f.below + spare * 0.3 + f.titleSpace + f.columnLabels;

    result.places.resize(6);
    double x = body.left() + (body.width() - (2 * f.labelWidth + 2 * f.op + cellsA * cell)) / 2 + f.labelWidth;
    result.places[0] = {QPointF(x, topA), cell, topA - f.columnLabels - f.titleSpace};
    x += headDim * cell + f.op;
    result.places[1] = {QPointF(x, topA), cell, topA - f.columnLabels - f.titleSpace};
    x += keys * cell + f.op + f.labelWidth;
    result.places[2] = {QPointF(x, topA), cell, topA - f.columnLabels - f.titleSpace};
    x = body.left() + (body.width() - (2 * f.labelWidth + 2 * f.op + cellsB * cell)) / 2 + f.labelWidth;
    result.places[3] = {QPointF(x, topB), cell, topB - f.columnLabels - f.titleSpace};
    x += keys * cell + f.op + f.labelWidth;
    result.places[4] = {QPointF(x, topB), cell, topB - f.columnLabels - f.titleSpace};
    x += headDim * cell + f.op;
    result.places[5] = {QPointF(x, topB), cell, topB - f.columnLabels - f.titleSpace};
    // The output's rows are the weights' rows: one set of labels is enough.
    result.matrices[5].rowLabels.clear();
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
    auto between = [&](int left, int right, const QString& symbol) {
        const MatrixSpec& a = layout.matrices[static_cast<std::size_t>(left)];
        const QRectF gridA = layout.places[static_cast<std::size_t>(left)].gridRect(a);
        const QRectF gridB = layout.places[static_cast<std::size_t>(right)].gridRect(layout.matrices[static_cast<std::size_t>(right)]);
        const double cell = layout.places[0].cell;
        const double centreY = gridA.top() + std::min(gridA.height(), 4 * cell) / 2;
        const QRectF slot(gridA.right(), centreY - 20 * layout.scale, gridB.left() - gridA.right(), 40 * layout.scale);
        painter.drawText(slot, Qt::AlignCenter, symbol);
    };
    between(0, 1, QStringLiteral("·"));
    between(1, 2, QStringLiteral("="));
    between(3, 4, QStringLiteral("·"));
    between(4, 5, QStringLiteral("="));
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
