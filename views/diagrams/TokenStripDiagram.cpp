#include "views/diagrams/TokenStripDiagram.h"

#include "views/style/Typography.h"

#include "views/playback/Narrator.h"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>
#include <optional>

namespace kvlab {

namespace {

// Below this the type is too small to read; the next-token box is clipped instead.
constexpr double kMinScale = 0.5;

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

// Every token of the sequence as an unplaced box: its text, state and width.
std::vector<TokenStripDiagram::Box> tokenBoxes(const Frame& frame, double s)
{
    const kv::StepRecord& record = frame.record(kv::DecodeMode::Cached);
    const int stale = frame.lesson->run.staleCacheRows;
    const std::vector<int> positions = positionsSoFar(frame);
    const QFontMetricsF metrics(pixelFont(22 * s));
    const QFontMetricsF boldMetrics(pixelFont(22 * s, true)); // current and next tokens are drawn bold
    const int firstInput = static_cast<int>(record.keyTokens.size() - record.inputTokens.size());
    std::vector<TokenStripDiagram::Box> tokens;
    for (std::size_t i = 0; i < record.keyTokens.size(); ++i) {
        TokenStripDiagram::Box box;
        box.sequenceIndex = static_cast<int>(i);
        box.text = frame.lesson->token(record.keyTokens[i]);
        box.stale = static_cast<int>(i) < stale;
        box.position = box.stale ? -1 : positions[i - static_cast<std::size_t>(stale)];
        box.current = static_cast<int>(i) >= firstInput;
        const double width =
            std::max(64 * s, (box.current ? boldMetrics : metrics).horizontalAdvance(box.text) + 28 * s);
        box.rect = QRectF(0, 0, width, 46 * s);
        tokens.push_back(box);
    }
    return tokens;
}

double widthOf(const std::vector<TokenStripDiagram::Box>& tokens, int from, int to, double gap)
{
    double width = 0;
    for (int i = from; i < to; ++i)
        width += tokens[static_cast<std::size_t>(i)].rect.width() + gap;
    return width;
}

// What the strip draws: tokens [0, lead), a band for the middle (when
// hidden), tokens [tailFrom, n), then the next box.
struct Selection {
    int lead = 0;
    int tailFrom = 0;
    bool fits = false;
};

// With a band after `lead` tokens: the longest tail that fits `room` (the
// width left for tail tokens, each followed by `gap`); at least one token is hidden.
int tailFromFor(const std::vector<TokenStripDiagram::Box>& tokens, int lead, double room, double gap)
{
    const int n = static_cast<int>(tokens.size());
    int from = n;
    double used = 0;
    while (from - 1 > lead) {
        const double width = tokens[static_cast<std::size_t>(from - 1)].rect.width() + gap;
        if (used + width > room)
            break;
        used += width;
        --from;
    }
    return from;
}

} // namespace

std::vector<TokenStripDiagram::Box> TokenStripDiagram::boxes(const QRectF& rect, const Frame& frame) const
{
    if (!frame.valid())
        return {};
    for (double s = stripScale(rect, frame);; s = std::max(kMinScale, s * 0.85)) {
        const bool lastTry = s <= kMinScale;
        std::vector<Box> result = layOut(rect, frame, s, lastTry);
        if (!result.empty() || lastTry)
            return result;
    }
}

std::vector<TokenStripDiagram::Box> TokenStripDiagram::layOut(const QRectF& rect, const Frame& frame, double s,
                                                              bool lastTry) const
{
    std::vector<Box> tokens = tokenBoxes(frame, s);
    const int n = static_cast<int>(tokens.size());
    const double gap = 10 * s;
    const double nextGap = 8 * s; // added to the gap after the last token
    const double left = rect.left() + 12 * s;
    const double available = rect.right() - 12 * s - left;
    const QFontMetricsF boldMetrics(pixelFont(22 * s, true));

    std::optional<Box> next;
    double nextWidth = 0; // the next box and the space before it
    if (frame.reached(Phase::NextToken)) {
        next = Box{};
        next->text = Narrator::nextTokenLabel(frame);
        next->position = Narrator::nextPosition(frame);
        next->rect = QRectF(0, 0, boldMetrics.horizontalAdvance(next->text) + 36 * s, 46 * s);
        nextWidth = nextGap + next->rect.width();
    }

    Selection pick;
    Box band;
    band.sequenceIndex = kBand;
    // Wide enough for any count this sequence can hide.
    band.rect = QRectF(0, 0, std::max(64 * s, boldMetrics.horizontalAdvance(tr("… %1 …").arg(n)) + 28 * s), 46 * s);
    if (widthOf(tokens, 0, n, gap) + nextWidth <= available + gap) {
        pick = {n, n, true};
    } else {
        // Keep two leading tokens while at least three newest ones fit, else one, else none.
        for (int lead : {2, 1, 0}) {
            lead = std::min(lead, n - 2);
            if (lead < 0)
                break;
            const double room = available + gap - widthOf(tokens, 0, lead, gap) - band.rect.width() - gap - nextWidth;
            const int from = tailFromFor(tokens, lead, room, gap);
            if (n - from >= (lead == 2 ? 3 : 1)) {
                pick = {lead, from, true};
                break;
            }
        }
    }
    if (!pick.fits) {
        if (!lastTry)
            return {};
        pick = {0, n - 1, true}; // the current token alone, the next box clipped to what is left
    }

    std::vector<Box> result;
    const double top = rect.top() + 10 * s;
    double x = left;
    auto put = [&](Box box) {
        box.rect.moveTopLeft(QPointF(x, top));
        x += box.rect.width() + gap;
        result.push_back(box);
    };
    for (int i = 0; i < pick.lead; ++i)
        put(tokens[static_cast<std::size_t>(i)]);
    if (pick.tailFrom > pick.lead) {
        band.hidden = pick.tailFrom - pick.lead;
        band.firstHidden = pick.lead;
        band.text = tr("… %1 …").arg(band.hidden);
        put(band);
    }
    for (int i = pick.tailFrom; i < n; ++i)
        put(tokens[static_cast<std::size_t>(i)]);
    if (next) {
        const double nextLeft = x + nextGap;
        const double room = rect.right() - 12 * s - nextLeft;
        if (next->rect.width() > room) {
            next->text = boldMetrics.elidedText(next->text, Qt::ElideRight, std::max(0.0, room - 36 * s));
            next->rect.setWidth(std::max(0.0, room));
        }
        next->rect.moveTopLeft(QPointF(nextLeft, top));
        result.push_back(*next);
    }
    return result;
}

namespace {

// The band standing for the tokens not drawn: dotted, muted, no position.
void paintBand(QPainter& painter, const TokenStripDiagram::Box& band, const Frame& frame, double s)
{
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(frame.theme.mutedText, 1.5 * s, Qt::DotLine));
    painter.drawRoundedRect(band.rect, 7 * s, 7 * s);
    painter.setFont(pixelFont(22 * s, true));
    painter.setPen(frame.theme.mutedText);
    painter.drawText(band.rect, Qt::AlignCenter, band.text);
}

void paintBox(QPainter& painter, const TokenStripDiagram::Box& box, const Frame& frame, double s)
{
    const bool next = box.isNext();
    const bool selected = box.isToken() && box.sequenceIndex == frame.selectedToken;
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
    const QString below = box.stale ? TokenStripDiagram::tr("stale") : TokenStripDiagram::tr("pos %1").arg(box.position);
    painter.drawText(QRectF(box.rect.left(), box.rect.bottom() + 2 * s, box.rect.width(), 22 * s),
                     Qt::AlignHCenter | Qt::AlignTop, below);
}

} // namespace

void TokenStripDiagram::paint(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.fillRect(rect, frame.theme.panel);
    for (const Box& box : boxes(rect, frame)) {
        const double s = box.rect.height() / 46; // the scale the strip was laid out at
        if (box.isBand())
            paintBand(painter, box, frame, s);
        else
            paintBox(painter, box, frame, s);
    }
    painter.restore();
}

QString TokenStripDiagram::tooltipAt(const QRectF& rect, const Frame& frame, QPointF point) const
{
    for (const Box& box : boxes(rect, frame)) {
        if (!box.rect.contains(point))
            continue;
        if (box.isNext())
            return tr("The token both sides predict next, with its probability. It becomes the input of the next step.");
        if (box.isBand())
            return tr("%1 tokens (sequence entries %2 to %3) are not drawn, to keep the first tokens, the newest "
                      "ones and the next token in view.")
                .arg(box.hidden).arg(box.firstHidden).arg(box.firstHidden + box.hidden - 1);
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
        if (box.isToken() && box.rect.contains(point))
            return box.sequenceIndex;
    return -1;
}

} // namespace kvlab
