#include "views/diagrams/LegendDiagram.h"

#include "views/diagrams/AttentionMatrices.h"

#include <QCoreApplication>

#include <QFontMetricsF>
#include <QLinearGradient>

#include <cmath>

namespace kvlab {

namespace {

// The width the legend needs at scale `s`, to shrink it when the window is narrow.
double naturalWidth(const Frame& frame, double s)
{
    QFont font;
    font.setPixelSize(static_cast<int>(std::lround(14 * s)));
    const QFontMetricsF metrics(font);
    double width = 12 * s;
    for (const LegendDiagram::Entry& entry : LegendDiagram::entries(frame))
        width += 18 * s + 6 * s + metrics.horizontalAdvance(entry.label) + 24 * s;
    return width + metrics.horizontalAdvance(QStringLiteral("value: − ")) + 140 * s + 20 * s;
}

} // namespace

std::vector<LegendDiagram::Entry> LegendDiagram::entries(const Frame& frame)
{
    std::vector<Entry> result;
    for (CellState state : {CellState::New, CellState::FromCache, CellState::Recomputed, CellState::Wasted,
                            CellState::Masked})
        result.push_back({state, Theme::stateName(state)});
    if (frame.valid() && !atLastLayer(frame)) {
        const int last = frame.lesson->config().nLayer - 1;
        result[2].label = QCoreApplication::translate("LegendDiagram", "recomputed (same as last step; layer %1's input)")
                              .arg(frame.layer + 1);
        result[3].label = QCoreApplication::translate("LegendDiagram", "wasted: only at the last layer (%1)").arg(last);
    }
    if (frame.lesson && frame.lesson->run.staleCacheRows > 0)
        result.push_back({CellState::Stale, Theme::stateName(CellState::Stale)});
    return result;
}

void LegendDiagram::paint(QPainter& painter, const QRectF& rect, const Frame& frame) const
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.fillRect(rect, frame.theme.background);
    double s = std::clamp(rect.height() / 36.0, 0.7, 2.5);
    s = std::min(s, s * rect.width() / (naturalWidth(frame, s) * 1.04));
    QFont font;
    font.setPixelSize(static_cast<int>(std::lround(14 * s)));
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
        const QString& name = entry.label;
        painter.drawText(QPointF(x + box + 6 * s, rect.center().y() + metrics.ascent() / 2.5), name);
        x += box + 6 * s + metrics.horizontalAdvance(name) + 24 * s;
    }
    // Values: the diverging map from negative through zero to positive.
    const double barWidth = 140 * s;
    QLinearGradient gradient(x + metrics.horizontalAdvance(QStringLiteral("−  ")), 0, x + barWidth, 0);
    gradient.setColorAt(0.0, frame.theme.negative);
    gradient.setColorAt(0.5, frame.theme.neutral);
    gradient.setColorAt(1.0, frame.theme.positive);
    painter.setPen(frame.theme.text);
    painter.drawText(QPointF(x, rect.center().y() + metrics.ascent() / 2.5), QStringLiteral("value: −"));
    x += metrics.horizontalAdvance(QStringLiteral("value: − "));
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
