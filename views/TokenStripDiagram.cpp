#include "TokenStripDiagram.h"

#include "Typography.h"

#include "Narrator.h"

#include <QFontMetricsF>

#include <cmath>

namespace kvlab {

namespace {

double stripScale(const QRectF& rect, const Frame& frame)
{
    return std::clamp(rect.height() / 110.0, 0.7, 2.5) * std::min(1.0, frame.theme.typeScale);
}

// Positions the cached side really used, token by token, up to this step.
std::vector<int> positionsSoFar(const Frame& frame)
{
    std::vector<int> positions;
    for (int s = 0; s <= frame.step; ++s) {
        const auto& used = frame.lesson->run.cached.steps[static_cast<std::size_t>(s)].positions;
        positions.insert(positions.end(), used.begin(), used.end());
    }
    return positions;
}

} // namespace

std::vector<TokenStripDiagram::Box> TokenStripDiagram::boxes(const QRectF& rect, const Frame& frame) const
{
    std::vector<Box> result;
    if (!frame.valid())
        return result;
    const double s = stripScale(rect, frame);
    const kv::StepRecord& record = frame.record(kv::DecodeMode::Cached);
    const int stale = frame.lesson->run.staleCacheRows;
    const std::vector<int> positions = positionsSoFar(frame);
    const QFontMetricsF metrics(pixelFont(22 * s));
    const QFontMetricsF boldMetrics(pixelFont(22 * s, true)); // current and next tokens are drawn bold
    double x = rect.left() + 12 * s;
    const double top = rect.top() + 10 * s;
    const double height = 46 * s;
    const int firstInput = static_cast<int>(record.keyTokens.size() - record.inputTokens.size());
    for (std::size_t i = 0; i < record.keyTokens.size(); ++i) {
        Box box;
        box.sequenceIndex = static_cast<int>(i);
        box.text = frame.lesson->token(record.keyTokens[i]);
        box.stale = static_cast<int>(i) < stale;
        box.position = box.stale ? -1 : positions[i - static_cast<std::size_t>(stale)];
        box.current = static_cast<int>(i) >= firstInput;
        const double width =
            std::max(64 * s, (box.current ? boldMetrics : metrics).horizontalAdvance(box.text) + 28 * s);
        box.rect = QRectF(x, top, width, height);
        x += width + 10 * s;
        result.push_back(box);
    }
    if (frame.reached(Phase::NextToken)) {
        Box next;
        next.text = Narrator::nextTokenLabel(frame);
        next.position = Narrator::nextPosition(frame);
        const double width = boldMetrics.horizontalAdvance(next.text) + 36 * s;
        next.rect = QRectF(x + 8 * s, top, width, height);
        result.push_back(next);
    }
    return result;
}

void TokenStripDiagram::paint(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.fillRect(rect, frame.theme.panel);
    if (!frame.valid()) {
        painter.restore();
        return;
    }
    const double s = stripScale(rect, frame);
    for (const Box& box : boxes(rect, frame)) {
        const bool next = box.sequenceIndex < 0;
        const bool selected = box.sequenceIndex >= 0 && box.sequenceIndex == frame.selectedToken;
        QColor fill = frame.theme.background;
        QColor border = frame.theme.grid;
        if (box.current) {
            fill = frame.theme.stateColor(CellState::New).lighter(frame.theme.background.lightness() < 128 ? 60 : 185);
            border = frame.theme.stateColor(CellState::New);
        }
        if (box.stale)
            border = frame.theme.stateColor(CellState::Stale);
        if (selected)
            fill = frame.theme.highlight;
        painter.setBrush(next ? Qt::NoBrush : QBrush(fill));
        painter.setPen(QPen(next ? frame.theme.good : border, (box.current || next) ? 3 * s : 1.5 * s,
                            next ? Qt::DashLine : Qt::SolidLine));
        painter.drawRoundedRect(box.rect, 7 * s, 7 * s);
        painter.setFont(pixelFont(22 * s, box.current || next));
        painter.setPen(next ? frame.theme.good : (selected ? QColor(Qt::black) : frame.theme.text));
        painter.drawText(box.rect, Qt::AlignCenter, box.text);
        painter.setFont(pixelFont(14 * s));
        painter.setPen(box.stale ? frame.theme.stateColor(CellState::Stale) : frame.theme.mutedText);
        const QString below = box.stale ? tr("stale") : tr("pos %1").arg(box.position);
        painter.drawText(QRectF(box.rect.left(), box.rect.bottom() + 2 * s, box.rect.width(), 22 * s),
                         Qt::AlignHCenter | Qt::AlignTop, below);
    }
    painter.restore();
}

QString TokenStripDiagram::tooltipAt(const QRectF& rect, const Frame& frame, QPointF point) const
{
    for (const Box& box : boxes(rect, frame)) {
        if (!box.rect.contains(point))
            continue;
        if (box.sequenceIndex < 0)
            return tr("The token both sides predict next, with its probability. It becomes the input of the next step.");
        if (box.stale)
            return tr("\"%1\" was left in the cache by the previous prompt: the cache was not reset.").arg(box.text);
        return tr("\"%1\" at position %2. Click to highlight its row and column in every matrix.")
            .arg(box.text).arg(box.position);
    }
    return {};
}

int TokenStripDiagram::tokenAt(const QRectF& rect, const Frame& frame, QPointF point) const
{
    for (const Box& box : boxes(rect, frame))
        if (box.rect.contains(point))
            return box.sequenceIndex;
    return -1;
}

} // namespace kvlab
