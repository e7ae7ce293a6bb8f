#include "views/diagrams/LegendDiagram.h"

#include "views/diagrams/AttentionMatrices.h"

#include <QCoreApplication>

#include <QFontMetricsF>
#include <QLinearGradient>

#include <cmath>

namespace kvlab {

namespace {

// Below this scale (10 px type) the legend says each state in a word or two instead.
constexpr double kLegibleScale = 0.72;

const QString& shownLabel(const LegendDiagram::Entry& entry, bool brief)
{
    return brief ? entry.brief : entry.label;
}

// Spacing at scale 1: between entries, and the colour bar's length; brief, both tighter.
double entryGap(bool brief) { return brief ? 12.0 : 24.0; }
double barLength(bool brief) { return brief ? 60.0 : 140.0; }
QString valueCaption(bool brief)
{
    return brief ? QStringLiteral("−") : QCoreApplication::translate("LegendDiagram", "value: −");
}

// The width the legend needs at scale `s`, to shrink it when the window is narrow.
double naturalWidth(const Frame& frame, double s, bool brief)
{
    QFont font;
    font.setPixelSize(static_cast<int>(std::lround(LegendDiagram::kTypePx * s)));
    const QFontMetricsF metrics(font);
    double width = 12 * s;
    for (const LegendDiagram::Entry& entry : LegendDiagram::entries(frame))
        width += 18 * s + 6 * s + metrics.horizontalAdvance(shownLabel(entry, brief)) + entryGap(brief) * s;
    return width + metrics.horizontalAdvance(valueCaption(brief) + QLatin1Char(' ')) + barLength(brief) * s + 20 * s;
}

// The state in a word or two.
QString briefName(CellState state)
{
    switch (state) {
    case CellState::New:
        return QCoreApplication::translate("LegendDiagram", "new");
    case CellState::FromCache:
        return QCoreApplication::translate("LegendDiagram", "from cache");
    case CellState::Recomputed:
        return QCoreApplication::translate("LegendDiagram", "recomputed");
    case CellState::Wasted:
        return QCoreApplication::translate("LegendDiagram", "wasted");
    case CellState::Masked:
        return QCoreApplication::translate("LegendDiagram", "masked");
    case CellState::Stale:
        return QCoreApplication::translate("LegendDiagram", "stale");
    case CellState::Pending:
        return QCoreApplication::translate("LegendDiagram", "pending");
    }
    return {};
}

} // namespace

std::vector<LegendDiagram::Entry> LegendDiagram::entries(const Frame& frame)
{
    std::vector<Entry> result;
    for (CellState state : {CellState::New, CellState::FromCache, CellState::Recomputed, CellState::Wasted,
                            CellState::Masked})
        result.push_back({state, Theme::stateName(state), briefName(state)});
    if (frame.valid() && !atLastLayer(frame)) {
        const int last = frame.lesson->config().nLayer - 1;
        result[2].label = QCoreApplication::translate("LegendDiagram", "recomputed (same as last step; layer %1's input)")
                              .arg(frame.layer + 1);
        result[3].label = QCoreApplication::translate("LegendDiagram", "wasted: only at the last layer (%1)").arg(last);
    }
    if (frame.lesson && frame.lesson->run.staleCacheRows > 0)
        result.push_back({CellState::Stale, Theme::stateName(CellState::Stale), briefName(CellState::Stale)});
    return result;
}

LegendDiagram::Fit LegendDiagram::fit(const QRectF& rect, const Frame& frame)
{
    const double tallest = std::clamp(rect.height() / 36.0, 0.7, 2.5);
    // The full labels as large as fit; where that would be too small to read, a word or two each.
    Fit result;
    result.scale = std::min(tallest, tallest * rect.width() / (naturalWidth(frame, tallest, false) * 1.04));
    result.brief = result.scale < kLegibleScale;
    if (result.brief)
        result.scale = std::min(tallest, tallest * rect.width() / (naturalWidth(frame, tallest, true) * 1.04));
    return result;
}

void LegendDiagram::paint(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.fillRect(rect, frame.theme.background);
    const auto [s, brief] = fit(rect, frame);
    QFont font;
    font.setPixelSize(static_cast<int>(std::lround(LegendDiagram::kTypePx * s)));
    painter.setFont(font);
    const QFontMetricsF metrics(font);
    const double box = 18 * s;
    double x = rect.left() + 12 * s;
    const double y = rect.center().y() - box / 2;
    for (const Entry& entry : entries(frame)) {
        const CellState state = entry.state;
        const QRectF swatch(x, y, box, box);
        if (state == CellState::Masked || state == CellState::Wasted) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(frame.theme.stateColor(state));
            painter.drawRect(swatch);
            if (state == CellState::Wasted) {
                painter.setBrush(QBrush(frame.theme.stateColor(state).darker(130), Qt::BDiagPattern));
                painter.drawRect(swatch);
            }
        } else {
            painter.setBrush(frame.theme.neutral);
            painter.setPen(QPen(frame.theme.stateColor(state), 3.5 * s));
            painter.drawRect(swatch.adjusted(1.5 * s, 1.5 * s, -1.5 * s, -1.5 * s));
        }
        painter.setPen(frame.theme.text);
        const QString& name = shownLabel(entry, brief);
        painter.drawText(QPointF(x + box + 6 * s, rect.center().y() + metrics.ascent() / 2.5), name);
        x += box + 6 * s + metrics.horizontalAdvance(name) + entryGap(brief) * s;
    }
    // Values: the diverging map from negative through zero to positive.
    const double barWidth = barLength(brief) * s;
    QLinearGradient gradient(x + metrics.horizontalAdvance(QStringLiteral("−  ")), 0, x + barWidth, 0);
    gradient.setColorAt(0.0, frame.theme.negative);
    gradient.setColorAt(0.5, frame.theme.neutral);
    gradient.setColorAt(1.0, frame.theme.positive);
    painter.setPen(frame.theme.text);
    painter.drawText(QPointF(x, rect.center().y() + metrics.ascent() / 2.5), valueCaption(brief));
    x += metrics.horizontalAdvance(valueCaption(brief) + QLatin1Char(' '));
    painter.setPen(QPen(frame.theme.grid, 1));
    painter.setBrush(gradient);
    gradient.setStart(x, 0);
    gradient.setFinalStop(x + barWidth, 0);
    painter.setBrush(gradient);
    painter.drawRect(QRectF(x, y, barWidth, box));
    painter.setPen(frame.theme.text);
    painter.drawText(QPointF(x + barWidth + 4 * s, rect.center().y() + metrics.ascent() / 2.5), QStringLiteral("+"));
    painter.restore();
}

} // namespace kvlab
