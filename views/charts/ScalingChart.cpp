#include "views/charts/ScalingChart.h"

#include "views/charts/AxisTitles.h"
#include "views/charts/ChartStyle.h"
#include "views/charts/FittedTicker.h"
#include "core/model/CostModel.h"

#include <QVBoxLayout>

#include <qcustomplot.h>

namespace kvlab {

ScalingChart::ScalingChart(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_stepWithout = m_plot->addGraph();
    m_stepWith = m_plot->addGraph();
    m_totalWithout = m_plot->addGraph();
    m_totalWith = m_plot->addGraph();
    m_plot->yAxis2->setVisible(true);
    m_memory = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
    m_stepWithout->setName(tr("per step, without cache"));
    m_stepWith->setName(tr("per step, with cache"));
    m_totalWithout->setName(tr("total, without cache (∝ length²)"));
    m_totalWith->setName(tr("total, with cache (∝ length)"));
    m_memory->setName(tr("KV cache bytes (right axis)"));
    useLogScale(*m_plot->yAxis);
    m_plot->yAxis->setNumberFormat(QStringLiteral("eb"));
    m_plot->yAxis->setNumberPrecision(0);
    auto* titles = new AxisTitles(m_plot);
    titles->set(m_plot->yAxis, {tr("multiply-adds (log scale)"), tr("multiply-adds")});
    titles->set(m_plot->yAxis2, {tr("KV cache bytes"), tr("KV bytes")});
    titles->set(m_plot->xAxis, {tr("sequence length (tokens)"), tr("length (tokens)"), tr("length")});
    // Whole tokens, 1, 2, 5, 10, ... apart (never 2.5), as many as have room for their labels.
    m_plot->xAxis->setTicker(QSharedPointer<FittedTicker>::create(m_plot->xAxis, FittedTicker::Kind::Steps));
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    m_cursor = new QCPItemStraightLine(m_plot);
}

void ScalingChart::fill(const kv::ModelConfig& config)
{
    const kv::CostModel costs(config);
    QVector<double> lengths;
    QVector<double> stepWithout;
    QVector<double> stepWith;
    QVector<double> totalWithout;
    QVector<double> totalWith;
    QVector<double> memory;
    double sumWithout = 0;
    double sumWith = 0;
    for (int length = 1; length <= config.nPositions; ++length) {
        lengths << length;
        stepWithout << static_cast<double>(costs.uncachedStep(length).total());
        stepWith << static_cast<double>(costs.cachedStep(length).total());
        sumWithout += stepWithout.back();
        // The cache is filled by the first token's pass, which costs the same on both sides.
        sumWith += length == 1 ? stepWithout.back() : stepWith.back();
        totalWithout << sumWithout;
        totalWith << sumWith;
        memory << static_cast<double>(costs.kvBytes(length));
    }
    m_stepWithout->setData(lengths, stepWithout, true);
    m_stepWith->setData(lengths, stepWith, true);
    m_totalWithout->setData(lengths, totalWithout, true);
    m_totalWith->setData(lengths, totalWith, true);
    m_memory->setData(lengths, memory, true);
    m_plot->xAxis->setRange(0.5, config.nPositions + 0.5);
    m_plot->yAxis->setRange(stepWith.front() * 0.5, sumWithout * 2);
    m_plot->yAxis2->setRange(0, memory.back() * 1.1);
}

void ScalingChart::setFrame(const Frame& frame)
{
    if (!frame.valid())
        return;
    if (m_shown != frame.lesson.get() || m_themeName != frame.theme.name) {
        m_shown = frame.lesson.get();
        m_themeName = frame.theme.name;
        styleChart(*m_plot, frame.theme);
        m_stepWithout->setPen(QPen(frame.theme.uncachedAccent, 2, Qt::DashLine));
        m_stepWith->setPen(QPen(frame.theme.cachedAccent, 2, Qt::DashLine));
        m_totalWithout->setPen(QPen(frame.theme.uncachedAccent, 3));
        m_totalWith->setPen(QPen(frame.theme.cachedAccent, 3));
        m_memory->setPen(QPen(frame.theme.stateColor(CellState::FromCache), 2, Qt::DotLine));
        m_cursor->setPen(QPen(frame.theme.highlight.darker(120), 2));
        fill(frame.lesson->config());
    }
    const double length = static_cast<double>(frame.record(kv::DecodeMode::Cached).keyTokens.size());
    m_cursor->point1->setCoords(length, 1);
    m_cursor->point2->setCoords(length, 2);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace kvlab
