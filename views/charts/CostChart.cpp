#include "views/charts/CostChart.h"

#include "views/charts/AxisTitles.h"
#include "views/charts/LegendRoom.h"
#include "views/charts/ChartStyle.h"
#include "views/charts/FittedTicker.h"

#include <QVBoxLayout>

#include <qcustomplot.h>

namespace kvlab {

namespace {

// Every term of MacCounts::total(), so a step's stack is its total. RoPE's
// bar is empty, and left out of the legend, for learned positions.
const char* const kPhaseNames[CostChart::kPhases] = {"projections", "attention scores", "attention mix", "MLP",
                                                      "LM head", "RoPE"};
constexpr int kRopePhase = 5;

std::int64_t phaseMacs(const kv::MacCounts& macs, int phase)
{
    switch (phase) {
    case 0:
        return macs.projections;
    case 1:
        return macs.attentionScores;
    case 2:
        return macs.attentionMix;
    case 3:
        return macs.mlp;
    case 4:
        return macs.lmHead;
    default:
        return macs.rotary;
    }
}

QColor barColor(int phase)
{
    // Okabe-Ito's vermillion for RoPE, beside the five phaseColor() gives.
    return phase == kRopePhase ? QColor(0xd5, 0x5e, 0x00) : phaseColor(phase);
}

QCPItemRect* makeCursor(QCustomPlot* plot, QCPAxisRect* rect)
{
    auto* cursor = new QCPItemRect(plot);
    cursor->setClipAxisRect(rect);
    for (QCPItemPosition* corner : {cursor->topLeft, cursor->bottomRight}) {
        corner->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        corner->setAxisRect(rect);
        corner->setTypeX(QCPItemPosition::ptPlotCoords);
        corner->setTypeY(QCPItemPosition::ptAxisRectRatio);
    }
    cursor->setPen(Qt::NoPen);
    cursor->setLayer(QStringLiteral("background"));
    return cursor;
}

} // namespace

CostChart::CostChart(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    build();
}

void CostChart::build()
{
    QCPAxisRect* top = m_plot->axisRect();
    auto* bottom = new QCPAxisRect(m_plot);
    m_plot->plotLayout()->addElement(1, 0, bottom);
    auto* group = new QCPBarsGroup(m_plot);
    group->setSpacing(2);
    for (int phase = 0; phase < kPhases; ++phase) {
        m_uncached[phase] = new QCPBars(top->axis(QCPAxis::atBottom), top->axis(QCPAxis::atLeft));
        m_cached[phase] = new QCPBars(top->axis(QCPAxis::atBottom), top->axis(QCPAxis::atLeft));
        for (QCPBars* bars : {m_uncached[phase], m_cached[phase]}) {
            bars->setWidth(0.38);
            bars->setBrush(barColor(phase));
            bars->setStackingGap(0);
        }
        m_uncached[phase]->setName(QString::fromLatin1(kPhaseNames[phase]));
        m_cached[phase]->removeFromLegend();
        // Every layer joins the group, or the upper ones would sit at the
        // step's centre instead of over their own path's column.
        group->append(m_uncached[phase]);
        group->append(m_cached[phase]);
        if (phase > 0) {
            m_uncached[phase]->moveAbove(m_uncached[phase - 1]);
            m_cached[phase]->moveAbove(m_cached[phase - 1]);
        }
    }
    auto* titles = new AxisTitles(m_plot);
    titles->set(top->axis(QCPAxis::atLeft), {tr("multiply-adds this step"), tr("multiply-adds")});
    titles->set(top->axis(QCPAxis::atBottom), {tr("step (0: prefill; left: without cache, right: with)"),
                                               tr("step (0: prefill; left: no cache, right: cache)"),
                                               tr("step (0: prefill)"), tr("step")});

    m_totalUncached = m_plot->addGraph(bottom->axis(QCPAxis::atBottom), bottom->axis(QCPAxis::atLeft));
    m_totalCached = m_plot->addGraph(bottom->axis(QCPAxis::atBottom), bottom->axis(QCPAxis::atLeft));
    bottom->axis(QCPAxis::atRight)->setVisible(true);
    m_kvBytes = m_plot->addGraph(bottom->axis(QCPAxis::atBottom), bottom->axis(QCPAxis::atRight));
    m_totalUncached->setName(tr("total without cache"));
    m_totalCached->setName(tr("total with cache"));
    m_kvBytes->setName(tr("KV bytes held (right axis)"));
    m_kvBytes->setLineStyle(QCPGraph::lsStepCenter);
    // Past kMaxBarSteps: each path's multiply-adds per step as an area (added
    // last, so graphs 0-2 stay the running totals and the bytes).
    m_stepUncached = m_plot->addGraph(top->axis(QCPAxis::atBottom), top->axis(QCPAxis::atLeft));
    m_stepCached = m_plot->addGraph(top->axis(QCPAxis::atBottom), top->axis(QCPAxis::atLeft));
    m_stepUncached->setName(tr("this step, without cache"));
    m_stepCached->setName(tr("this step, with cache"));
    m_stepUncached->setLineStyle(QCPGraph::lsStepCenter);
    m_stepCached->setLineStyle(QCPGraph::lsStepCenter);
    for (QCPGraph* graph : {m_totalUncached, m_totalCached, m_kvBytes}) {
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
        graph->removeFromLegend();
    }
    auto* legend = new QCPLegend;
    bottom->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignLeft);
    legend->setLayer(QStringLiteral("legend"));
    for (QCPGraph* graph : {m_totalUncached, m_totalCached, m_kvBytes})
        graph->addToLegend(legend);
    titles->set(bottom->axis(QCPAxis::atLeft), {tr("multiply-adds so far"), tr("multiply-adds")});
    titles->set(bottom->axis(QCPAxis::atRight), {tr("KV cache bytes"), tr("KV bytes")});
    titles->set(bottom->axis(QCPAxis::atBottom), {tr("step")});
    m_plot->legend->setVisible(true);
    top->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    std::vector<QCPAbstractPlottable*> perStep{m_stepUncached, m_stepCached};
    perStep.insert(perStep.end(), m_uncached.begin(), m_uncached.end());
    perStep.insert(perStep.end(), m_cached.begin(), m_cached.end());
    auto* topRoom = new LegendRoom(m_plot, m_plot->legend, top->axis(QCPAxis::atBottom));
    topRoom->watch(top->axis(QCPAxis::atLeft), perStep, 1.08);
    auto* bottomRoom = new LegendRoom(m_plot, legend, bottom->axis(QCPAxis::atBottom));
    bottomRoom->watch(bottom->axis(QCPAxis::atLeft), {m_totalUncached, m_totalCached}, 1.08);
    bottomRoom->watch(bottom->axis(QCPAxis::atRight), {m_kvBytes}, 1.15);
    m_cursorTop = makeCursor(m_plot, top);
    m_cursorBottom = makeCursor(m_plot, bottom);
    showBars(true);
}

void CostChart::fill(const Lesson& lesson)
{
    const int steps = lesson.stepCount();
    QVector<double> keys;
    for (int s = 0; s < steps; ++s)
        keys << s;
    m_rotary = lesson.config().position == kv::PositionKind::Rotary;
    QVector<double> stepWithout(steps, 0.0);
    QVector<double> stepWith(steps, 0.0);
    for (int phase = 0; phase < kPhases; ++phase) {
        QVector<double> without;
        QVector<double> with;
        for (int s = 0; s < steps; ++s) {
            without << static_cast<double>(phaseMacs(lesson.run.uncached.steps[std::size_t(s)].cost.macs, phase));
            with << static_cast<double>(phaseMacs(lesson.run.cached.steps[std::size_t(s)].cost.macs, phase));
        }
        m_uncached[phase]->setData(keys, without, true);
        m_cached[phase]->setData(keys, with, true);
        for (int s = 0; s < steps; ++s) {
            stepWithout[s] += without[s];
            stepWith[s] += with[s];
        }
    }
    m_stepUncached->setData(keys, stepWithout, true);
    m_stepCached->setData(keys, stepWith, true);
    showBars(steps <= kMaxBarSteps);
    QVector<double> totalWithout;
    QVector<double> totalWith;
    QVector<double> bytes;
    for (int s = 0; s < steps; ++s) {
        totalWithout << static_cast<double>(lesson.run.uncached.totalMacs(std::size_t(s)).total());
        totalWith << static_cast<double>(lesson.run.cached.totalMacs(std::size_t(s)).total());
        bytes << static_cast<double>(lesson.run.cached.steps[std::size_t(s)].cost.kvBytes);
    }
    m_totalUncached->setData(keys, totalWithout, true);
    m_totalCached->setData(keys, totalWith, true);
    m_kvBytes->setData(keys, bytes, true);
    for (QCPAxisRect* rect : m_plot->axisRects()) {
        QCPAxis* axis = rect->axis(QCPAxis::atBottom);
        axis->setTicker(QSharedPointer<FittedTicker>::create(axis, FittedTicker::Kind::Steps));
        axis->setRange(-0.6, steps - 0.4);
        for (QCPAxis* values : {rect->axis(QCPAxis::atLeft), rect->axis(QCPAxis::atRight)})
            values->setTicker(QSharedPointer<FittedTicker>::create(values, FittedTicker::Kind::Values));
    }
    bool found = false;
    const QCPRange stacked = m_uncached.back()->getValueRange(found, QCP::sdBoth);
    m_uncached.front()->valueAxis()->setRange(0, (found ? stacked.upper : 1.0) * 1.08);
    m_totalUncached->valueAxis()->setRange(0, totalWithout.isEmpty() ? 1.0 : totalWithout.back() * 1.08);
    m_kvBytes->valueAxis()->setRange(0, bytes.isEmpty() ? 1.0 : std::max(1.0, bytes.back() * 1.15));
}

bool CostChart::showsBars() const
{
    return m_uncached.front()->visible();
}

// Bars with their phases, or one area per path, each with its legend entries.
void CostChart::showBars(bool bars)
{
    for (int phase = 0; phase < kPhases; ++phase) {
        // Learned positions rotate nothing: no RoPE bar, not even an empty one's outline.
        const bool shown = bars && (phase != kRopePhase || m_rotary);
        m_uncached[phase]->setVisible(shown);
        m_cached[phase]->setVisible(shown);
        if (shown)
            m_uncached[phase]->addToLegend();
        else
            m_uncached[phase]->removeFromLegend();
    }
    for (QCPGraph* area : {m_stepUncached, m_stepCached}) {
        area->setVisible(!bars);
        if (bars)
            area->removeFromLegend();
        else
            area->addToLegend();
    }
    // A point per step reads on a few dozen steps and smears on hundreds.
    const QCPScatterStyle points = bars ? QCPScatterStyle(QCPScatterStyle::ssCircle, 6) : QCPScatterStyle();
    for (QCPGraph* graph : {m_totalUncached, m_totalCached, m_kvBytes})
        graph->setScatterStyle(points);
}

void CostChart::highlight(const Frame& frame)
{
    QColor glow = frame.theme.highlight;
    glow.setAlphaF(0.35f);
    for (QCPItemRect* cursor : {m_cursorTop, m_cursorBottom}) {
        cursor->topLeft->setCoords(frame.step - 0.5, 0);
        cursor->bottomRight->setCoords(frame.step + 0.5, 1);
        cursor->setBrush(glow);
    }
}

void CostChart::setFrame(const Frame& frame)
{
    if (!frame.valid())
        return;
    if (m_shown != frame.lesson.get() || m_themeName != frame.theme.name) {
        m_shown = frame.lesson.get();
        m_themeName = frame.theme.name;
        styleChart(*m_plot, frame.theme);
        for (QCPBars* bars : m_uncached)
            bars->setPen(QPen(frame.theme.uncachedAccent, 1.5));
        for (QCPBars* bars : m_cached)
            bars->setPen(QPen(frame.theme.cachedAccent, 1.5));
        m_totalUncached->setPen(QPen(frame.theme.uncachedAccent, 2.5));
        m_totalCached->setPen(QPen(frame.theme.cachedAccent, 2.5));
        m_kvBytes->setPen(QPen(frame.theme.stateColor(CellState::FromCache), 2, Qt::DashLine));
        QColor without = frame.theme.uncachedAccent;
        QColor with = frame.theme.cachedAccent;
        m_stepUncached->setPen(QPen(without, 2));
        m_stepCached->setPen(QPen(with, 2));
        without.setAlphaF(0.25f);
        with.setAlphaF(0.45f);
        m_stepUncached->setBrush(without);
        m_stepCached->setBrush(with);
        fill(*frame.lesson);
    }
    highlight(frame);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace kvlab
