#include "views/diagrams/RotationDiagram.h"

#include "views/diagrams/RopeStages.h"
#include "views/diagrams/SequenceWindow.h"
#include "views/style/Typography.h"

#include <QFontMetricsF>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace kvlab {

namespace {

using Part = RotationDiagram::Part;

constexpr double kMaxCellPx = 56.0;
constexpr double kMinCellsPx = 13.0; // below: a heatmap
constexpr double kMinCellPx = 4.0;   // below: rows elided
constexpr double kMinLabelPx = 10.0;
constexpr double kMaxLabelPx = 15.0;
constexpr int kMostDials = 8;

double textWidth(const QString& text, double px, bool bold = false)
{
    return QFontMetricsF(pixelFont(px, bold)).horizontalAdvance(text);
}

double largestMagnitude(const kv::Matrix& values)
{
    const double largest = values.size() > 0 ? values.cwiseAbs().maxCoeff() : 0.0;
    return largest > 0.0 ? largest : 1.0;
}

bool isBefore(Part part) { return part == Part::QueryBefore || part == Part::KeyBefore; }
bool isAngles(Part part) { return part == Part::QueryAngles || part == Part::KeyAngles; }

// The dials' band: their title, the circles, two lines of label under each.
double smallestDial(double labelPx)
{
    return std::clamp(labelPx * 5.0, 40.0, 110.0);
}

double dialBand(double labelPx, double diameter)
{
    return labelPx * 2.0 + diameter + labelPx * 2.8;
}

QString dialPairText(int pair)
{
    return RotationDiagram::tr("pair %1").arg(pair);
}

QString dialAngleText(double radians)
{
    return RotationDiagram::tr("%1 rad").arg(radians, 0, 'f', 2);
}

// The sizes of one candidate layout.
struct Sizes {
    Detail detail = Detail::Cells;
    double cell = 20;
    double label = 13;
    double labelWidth = 0; // the widest row label and its gap
    double op = 0;
    double titleSpace = 0, below = 0;
    double dialBand = 0; // 0: no dials
};

double slotWidth(const MatrixSpec& spec, const Sizes& sizes)
{
    const double grid = spec.cols() * sizes.cell;
    const double title = textWidth(spec.title, sizes.label * 1.15, true) + sizes.label;
    const double caption = textWidth(spec.caption, sizes.label) + sizes.label;
    const double note = spec.note.isEmpty() ? 0.0 : textWidth(spec.note, sizes.label, true) + sizes.label;
    return std::max({grid, title, caption, note});
}

double equationWidth(const std::array<MatrixSpec, 6>& specs, int row, const Sizes& sizes)
{
    double width = sizes.labelWidth + 2 * sizes.op;
    for (int col = 0; col < 3; ++col)
        width += slotWidth(specs[static_cast<std::size_t>(row * 3 + col)], sizes);
    return width;
}

double equationHeight(const std::array<MatrixSpec, 6>& specs, int row, const Sizes& sizes)
{
    return sizes.titleSpace + specs[static_cast<std::size_t>(row * 3)].rows() * sizes.cell + sizes.below;
}

Sizes sizesFor(const std::array<MatrixSpec, 6>& specs, double cell, double scale, bool presenting, bool dials)
{
    Sizes sizes;
    sizes.cell = cell;
    sizes.detail = cell >= kMinCellsPx ? Detail::Cells : Detail::Heatmap;
    sizes.label = std::clamp(cell * (presenting ? 0.6 : 0.55), kMinLabelPx * std::min(scale, 1.4), kMaxLabelPx * scale);
    const QFontMetricsF metrics(pixelFont(sizes.label));
    double widest = 0;
    for (Part part : {Part::QueryBefore, Part::KeyBefore})
        for (const QString& label : specs[RotationDiagram::slot(part)].rowLabels)
            widest = std::max(widest, metrics.horizontalAdvance(label));
    sizes.labelWidth = widest + sizes.label * 0.8;
    sizes.op = 2.4 * sizes.label;
    sizes.titleSpace = sizes.label * 2.0;
    sizes.below = sizes.label * 2.9;
    sizes.dialBand = dials ? dialBand(sizes.label, smallestDial(sizes.label)) : 0.0;
    return sizes;
}

bool fits(const std::array<MatrixSpec, 6>& specs, const Sizes& sizes, const QSizeF& body)
{
    const double width = std::max(equationWidth(specs, 0, sizes), equationWidth(specs, 1, sizes));
    const double height = equationHeight(specs, 0, sizes) + equationHeight(specs, 1, sizes) + sizes.dialBand;
    return width <= body.width() && height <= body.height();
}

// The largest cell in [low, high] at which everything fits; `low` if none does.
double largestFittingCell(const std::array<MatrixSpec, 6>& specs, double low, double high, double scale,
                          bool presenting, bool dials, const QSizeF& body)
{
    if (fits(specs, sizesFor(specs, high, scale, presenting, dials), body))
        return high;
    for (int round = 0; round < 14; ++round) {
        const double middle = (low + high) / 2;
        (fits(specs, sizesFor(specs, middle, scale, presenting, dials), body) ? low : high) = middle;
    }
    return low;
}

std::array<MatrixSpec, 6> windowed(const std::array<MatrixSpec, 6>& full, const SequenceWindow& window)
{
    std::array<MatrixSpec, 6> shown;
    for (std::size_t i = 0; i < full.size(); ++i)
        shown[i] = window.apply(full[i], full[i].rows(), 1, 0);
    return shown;
}

QString angleText(double radians)
{
    return QString::number(radians, 'f', 2);
}

} // namespace

RotationDiagram::RotationDiagram(kv::DecodeMode mode)
    : m_mode(mode)
{
}

std::array<MatrixSpec, 6> RotationDiagram::matrices(const Frame& frame) const
{
    const kv::ModelConfig& config = frame.lesson->config();
    const kv::StepRecord& record = frame.record(m_mode);
    const kv::HeadRecord& head = frame.headRecord(m_mode);
    const bool cached = m_mode == kv::DecodeMode::Cached;
    const int rows = static_cast<int>(record.positions.size());
    const int firstNew = cached ? 0 : record.firstNewInput;

    QStringList labels;
    for (int r = 0; r < rows; ++r)
        labels << tr("%1 @%2")
                      .arg(frame.lesson->token(record.keyTokens[static_cast<std::size_t>(head.appendedFrom + r)]))
                      .arg(record.positions[static_cast<std::size_t>(r)]);

    std::array<MatrixSpec, 6> specs;
    const auto set = [&](Part part, kv::Matrix values, QString title) {
        MatrixSpec& spec = specs[slot(part)];
        spec.role = MatrixSpec::Role::Values; // rows are tokens, columns head dimensions
        spec.values = std::move(values);
        spec.title = std::move(title);
        spec.caption = spec.shape();
        if (isBefore(part))
            spec.rowLabels = labels;
        // Rows earlier steps already rotated (no cache) are rotated again, equal to last step's.
        spec.states.assign(static_cast<std::size_t>(spec.rows() * spec.cols()), CellState::New);
        for (int r = 0; r < std::min(firstNew, spec.rows()); ++r)
            for (int c = 0; c < spec.cols(); ++c)
                spec.states[static_cast<std::size_t>(r * spec.cols() + c)] = CellState::Recomputed;
        if (!isBefore(part))
            spec.reveal = frame.progressOf(Phase::Rotate);
        const int selected = frame.selectedToken - head.appendedFrom;
        spec.highlightRow = selected >= 0 && selected < rows ? selected : -1;
    };
    const QString x = cached ? QStringLiteral("x") : QStringLiteral("X");
    set(Part::QueryBefore, queriesBeforeRope(frame, m_mode, frame.head),
        tr("%1 = %2·W_Q, head %3").arg(cached ? QStringLiteral("q") : QStringLiteral("Q"), x).arg(frame.head));
    set(Part::QueryAngles, ropeAngles(frame, m_mode), tr("angle pos·θᵢ (rad)"));
    set(Part::QueryAfter, queriesAfterRope(frame, m_mode, frame.head), tr("after RoPE"));
    set(Part::KeyBefore, keysBeforeRope(frame, m_mode, head.kvHead),
        tr("%1 = %2·W_K, KV head %3").arg(cached ? QStringLiteral("k") : QStringLiteral("K"), x).arg(head.kvHead));
    set(Part::KeyAngles, ropeAngles(frame, m_mode), tr("the same angles"));
    set(Part::KeyAfter, keysAfterRope(frame, m_mode, head.kvHead), tr("after RoPE"));

    // Before and after share one colour range: a rotation keeps each pair's length.
    for (Part before : {Part::QueryBefore, Part::KeyBefore}) {
        MatrixSpec& a = specs[slot(before)];
        MatrixSpec& b = specs[slot(before) + 2];
        a.valueRange = b.valueRange = std::max(largestMagnitude(a.values), largestMagnitude(b.values));
    }
    for (Part angles : {Part::QueryAngles, Part::KeyAngles})
        specs[slot(angles)].valueRange = largestMagnitude(specs[slot(angles)].values);

    const kv::RotaryTable& table = rotaryTable(frame);
    const QString pairs = table.layout() == kv::RopeLayout::Interleaved ? tr("pairs (2i, 2i+1)")
                                                                         : tr("pairs (i, i+%1)").arg(table.pairs());
    specs[slot(Part::QueryBefore)].caption += QStringLiteral(" · ") + pairs;
    specs[slot(Part::QueryAngles)].caption =
        tr("θᵢ = %1^(−2i/%2)").arg(static_cast<double>(config.ropeTheta), 0, 'g', 6).arg(table.headDim());
    if (cached && !record.prefill)
        specs[slot(Part::KeyAfter)].note = tr("↓ cached rotated, as is");
    else if (cached)
        specs[slot(Part::KeyAfter)].note = tr("↓ the cache holds these");
    else if (firstNew > 0)
        specs[slot(Part::KeyAfter)].note = tr("%1 of %2 recomputed").arg(firstNew).arg(rows);
    return specs;
}

std::vector<RotationDiagram::Dial> RotationDiagram::dialsOf(const Frame& frame) const
{
    const kv::RotaryTable& table = rotaryTable(frame);
    const kv::HeadRecord& head = frame.headRecord(m_mode);
    const kv::Matrix before = keysBeforeRope(frame, m_mode, head.kvHead);
    const kv::Matrix after = keysAfterRope(frame, m_mode, head.kvHead);
    const kv::Matrix angles = ropeAngles(frame, m_mode);
    const Eigen::Index newest = before.rows() - 1;
    std::vector<Dial> dials;
    for (int i = 0; i < table.pairs(); ++i) {
        const int a = table.pairFirst(i), b = table.pairSecond(i);
        dials.push_back({i, angles(newest, i), before(newest, a), before(newest, b), after(newest, a), after(newest, b), {}, {}});
    }
    return dials;
}

RotationDiagram::Layout RotationDiagram::layout(const QRectF& body, const Frame& frame) const
{
    Layout result;
    const std::array<MatrixSpec, 6> full = matrices(frame);
    const double s = std::clamp(std::min(body.width() / 876.0, body.height() / 520.0), 0.75, 2.2) * frame.theme.typeScale;
    const bool presenting = frame.theme.presentation;

    // 1. The dials and the largest cells that fit beside them (numbered from
    //    kMinCellsPx, a heatmap below); 2. without the dials; 3. a heatmap of a
    //    window of rows around the newest. The dials cost height, never width,
    //    so a wide head keeps them.
    std::array<MatrixSpec, 6> shown = full;
    bool dials = true;
    double cell = largestFittingCell(shown, kMinCellPx, kMaxCellPx, s, presenting, dials, body.size());
    if (!fits(shown, sizesFor(shown, cell, s, presenting, dials), body.size())) {
        dials = false;
        cell = largestFittingCell(shown, kMinCellPx, kMaxCellPx, s, presenting, dials, body.size());
    }
    if (!fits(shown, sizesFor(shown, cell, s, presenting, dials), body.size())) {
        const int rows = full[0].rows();
        int low = std::min(rows, 3);
        int high = rows - 1;
        while (low < high) {
            const int middle = (low + high + 1) / 2;
            const auto candidate = windowed(full, SequenceWindow::around(rows, middle));
            if (fits(candidate, sizesFor(candidate, kMinCellPx, s, presenting, false), body.size()))
                low = middle;
            else
                high = middle - 1;
        }
        shown = windowed(full, SequenceWindow::around(rows, low));
        cell = largestFittingCell(shown, kMinCellPx, kMinCellsPx, s, presenting, false, body.size());
    }
    const Sizes sizes = sizesFor(shown, cell, s, presenting, dials);
    result.matrices = std::move(shown);
    result.detail = sizes.detail;
    result.labelFontPx = sizes.label;
    result.operatorPx = std::min(26.0 * s, sizes.label * 1.8);

    // The two equations, centred, the spare height shared out around them.
    const double heightA = equationHeight(result.matrices, 0, sizes);
    const double heightB = equationHeight(result.matrices, 1, sizes);
    double spare = std::max(0.0, body.height() - heightA - heightB - sizes.dialBand);
    // Spare height goes first to larger dials, up to a size a room can read.
    double diameter = smallestDial(sizes.label);
    if (dials) {
        const double grown = std::clamp(std::min(spare * 0.6, 130.0 * s - diameter), 0.0, spare);
        diameter += grown;
        spare -= grown;
    }
    double top = body.top() + spare * 0.2;
    for (int row = 0; row < 2; ++row) {
        const double width = equationWidth(result.matrices, row, sizes);
        double x = body.left() + (body.width() - width) / 2 + sizes.labelWidth;
        const double gridTop = top + sizes.titleSpace;
        for (int col = 0; col < 3; ++col) {
            const std::size_t i = static_cast<std::size_t>(row * 3 + col);
            const MatrixSpec& spec = result.matrices[i];
            const double widened = slotWidth(spec, sizes);
            const double grid = spec.cols() * sizes.cell;
            result.places[i] = {QPointF(x + (widened - grid) / 2, gridTop), sizes.cell, sizes.cell, top, sizes.detail};
            x += widened;
            if (col < 2) {
                const double rowsHeight = std::min(spec.rows() * sizes.cell, 4.0 * sizes.cell);
                result.operators.emplace_back(x + sizes.op / 2, gridTop + rowsHeight / 2);
                x += sizes.op;
            }
        }
        top += (row == 0 ? heightA : heightB) + spare * 0.15;
    }

    if (dials) {
        // One dial per pair of the newest row's key, as many as fit across,
        // each wide enough for its label.
        std::vector<Dial> all = dialsOf(frame);
        const double labelPx = sizes.label * 0.9;
        double labelWidth = 0;
        for (const Dial& dial : all)
            labelWidth = std::max({labelWidth, textWidth(dialPairText(dial.pair), labelPx),
                                   textWidth(dialAngleText(dial.angle), labelPx)});
        const double slot = std::max(diameter, labelWidth);
        const double pitch = slot + sizes.label * 1.2;
        const int room = std::max(1, static_cast<int>((body.width() + sizes.label * 1.2) / pitch));
        const int count = std::min({static_cast<int>(all.size()), room, kMostDials});
        result.pairsLeftOut = static_cast<int>(all.size()) - count;
        result.dialTitle = QRectF(body.left(), top, body.width(), sizes.label * 1.8);
        const double left = body.left() + (body.width() - (count * pitch - sizes.label * 1.2)) / 2;
        for (int i = 0; i < count; ++i) {
            Dial dial = all[static_cast<std::size_t>(i)];
            const double centre = left + i * pitch + slot / 2;
            dial.circle = QRectF(centre - diameter / 2, result.dialTitle.bottom() + sizes.label * 0.2, diameter, diameter);
            dial.label = QRectF(centre - labelWidth / 2, dial.circle.bottom() + sizes.label * 0.2, labelWidth,
                                labelPx * 2.6);
            result.dials.push_back(dial);
        }
    }
    return result;
}

std::vector<std::pair<QString, QRectF>> RotationDiagram::Layout::boxes() const
{
    std::vector<std::pair<QString, QRectF>> all;
    for (std::size_t i = 0; i < matrices.size(); ++i)
        appendMatrixBoxes(all, QStringLiteral("%1 (%2)").arg(matrices[i].title).arg(i), matrices[i], places[i],
                          labelFontPx);
    if (!dials.empty())
        all.emplace_back(QStringLiteral("dial title"), dialTitle);
    for (const Dial& dial : dials) {
        all.emplace_back(QStringLiteral("dial %1").arg(dial.pair), dial.circle);
        all.emplace_back(QStringLiteral("dial %1 label").arg(dial.pair), dial.label);
    }
    return all;
}

void RotationDiagram::paint(QPainter& painter, const QRectF& body, const Frame& frame) const
{
    if (!frame.valid())
        return;
    const Layout place = layout(body, frame);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    for (std::size_t i = 0; i < place.matrices.size(); ++i)
        paintMatrix(painter, place.matrices[i], place.places[i], frame.theme, place.labelFontPx);
    painter.setRenderHint(QPainter::Antialiasing, true);
    paintOperators(painter, place, frame);
    paintDials(painter, place, frame);
    painter.restore();
}

void RotationDiagram::paintOperators(QPainter& painter, const Layout& layout, const Frame& frame) const
{
    painter.setFont(pixelFont(layout.operatorPx, true));
    painter.setPen(frame.theme.text);
    const double size = layout.operatorPx * 1.6;
    for (std::size_t i = 0; i < layout.operators.size(); ++i)
        painter.drawText(QRectF(layout.operators[i] - QPointF(size / 2, size / 2), QSizeF(size, size)), Qt::AlignCenter,
                         i % 2 == 0 ? QStringLiteral("↻") : QStringLiteral("="));
}

void RotationDiagram::paintDials(QPainter& painter, const Layout& layout, const Frame& frame) const
{
    if (layout.dials.empty())
        return;
    const kv::StepRecord& record = frame.record(m_mode);
    const Theme& theme = frame.theme;
    const double lf = layout.labelFontPx;
    painter.setFont(pixelFont(lf, true));
    painter.setPen(theme.text);
    QString title = tr("The newest key, k%1, pair by pair: each pair of its dimensions turns by its angle at position %2")
                        .arg(subscript(static_cast<int>(record.keyTokens.size()) - 1))
                        .arg(record.positions.back());
    if (layout.pairsLeftOut > 0)
        title += tr(" (first %1 of %2 pairs)").arg(layout.dials.size()).arg(layout.dials.size() + layout.pairsLeftOut);
    painter.drawText(layout.dialTitle, Qt::AlignCenter,
                     QFontMetricsF(painter.font()).elidedText(title, Qt::ElideRight, layout.dialTitle.width()));

    const double progress = frame.progressOf(Phase::Rotate);
    const QColor accent = m_mode == kv::DecodeMode::Cached ? theme.cachedAccent : theme.uncachedAccent;
    for (const Dial& dial : layout.dials) {
        const QRectF& circle = dial.circle;
        const QPointF centre = circle.center();
        const double radius = circle.width() / 2;
        const double longest = std::max({static_cast<double>(std::hypot(dial.beforeX, dial.beforeY)),
                                         static_cast<double>(std::hypot(dial.afterX, dial.afterY)), 1e-6});
        const auto tip = [&](double x, double y) { return centre + QPointF(x, -y) * (radius * 0.92 / longest); };
        painter.setPen(QPen(theme.grid, 1.0));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(circle);
        painter.drawLine(QPointF(circle.left(), centre.y()), QPointF(circle.right(), centre.y()));
        // Before: the pair as projected, muted.
        painter.setPen(QPen(theme.mutedText, std::max(1.5, lf * 0.15), Qt::DashLine, Qt::RoundCap));
        painter.drawLine(centre, tip(dial.beforeX, dial.beforeY));
        // The arc it turns through, and after: the pair as the attention reads it.
        const double from = std::atan2(dial.beforeY, dial.beforeX) * 180.0 / std::numbers::pi;
        const double sweep = dial.angle * 180.0 / std::numbers::pi * progress;
        painter.setPen(QPen(accent, std::max(1.5, lf * 0.12)));
        const QRectF arc(centre - QPointF(radius * 0.45, radius * 0.45), QSizeF(radius * 0.9, radius * 0.9));
        painter.drawArc(arc, static_cast<int>(from * 16), static_cast<int>(sweep * 16));
        if (progress >= 1.0) {
            painter.setPen(QPen(accent, std::max(2.0, lf * 0.2), Qt::SolidLine, Qt::RoundCap));
            painter.drawLine(centre, tip(dial.afterX, dial.afterY));
        }
        painter.setFont(pixelFont(lf * 0.9));
        painter.setPen(theme.text);
        painter.drawText(dial.label, Qt::AlignHCenter | Qt::AlignTop,
                         dialPairText(dial.pair) + QLatin1Char('\n') + dialAngleText(dial.angle));
    }
}

QString RotationDiagram::tooltipAt(const QRectF& body, const Frame& frame, QPointF point) const
{
    if (!frame.valid())
        return {};
    const Layout place = layout(body, frame);
    for (Part part : kParts) {
        const MatrixSpec& spec = place.matrix(part);
        if (const auto cell = place.place(part).cellAt(spec, point))
            return describeCell(frame, part, spec, cell->first, cell->second);
    }
    for (const Dial& dial : place.dials)
        if (dial.circle.contains(point))
            return tr("Pair %1 of the newest key turns by %2 rad: (%3, %4) before RoPE, (%5, %6) after; its length stays "
                      "the same.")
                .arg(dial.pair)
                .arg(angleText(dial.angle))
                .arg(dial.beforeX, 0, 'f', 4)
                .arg(dial.beforeY, 0, 'f', 4)
                .arg(dial.afterX, 0, 'f', 4)
                .arg(dial.afterY, 0, 'f', 4);
    return {};
}

QString RotationDiagram::describeCell(const Frame& frame, Part part, const MatrixSpec& spec, int shownRow, int col) const
{
    if (spec.inBand(shownRow, col))
        return tr("%1 tokens are not drawn here, to keep the others legible.").arg(spec.elidedRows);
    const int row = spec.sourceRow(shownRow);
    const kv::StepRecord& record = frame.record(m_mode);
    const int position = record.positions[static_cast<std::size_t>(row)];
    const double value = spec.values(shownRow, col);
    const kv::RotaryTable& table = rotaryTable(frame);
    const QString name = part == Part::QueryBefore || part == Part::QueryAfter ? QStringLiteral("q") : QStringLiteral("k");
    if (isAngles(part))
        return tr("pair %1 at position %2 turns by %2 × %3^(−2·%1/%4) = %5 rad")
            .arg(col)
            .arg(position)
            .arg(static_cast<double>(frame.lesson->config().ropeTheta), 0, 'g', 6)
            .arg(table.headDim())
            .arg(value, 0, 'f', 4);
    int pair = 0;
    while (pair < table.pairs() && table.pairFirst(pair) != col && table.pairSecond(pair) != col)
        ++pair;
    if (isBefore(part))
        return tr("%1[%2] as projected, before RoPE = %3\ndimension %2 belongs to pair %4, with dimension %5")
            .arg(name).arg(col).arg(value, 0, 'f', 4).arg(pair)
            .arg(table.pairFirst(pair) == col ? table.pairSecond(pair) : table.pairFirst(pair));
    return tr("%1[%2] after RoPE = %3: pair %4 turned by %5 rad (position %6)")
        .arg(name).arg(col).arg(value, 0, 'f', 4).arg(pair)
        .arg(angleText(table.angle(position, pair)))
        .arg(position);
}

} // namespace kvlab
