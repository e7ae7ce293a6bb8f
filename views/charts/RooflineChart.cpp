#include "views/charts/RooflineChart.h"

#include "views/charts/AxisTitles.h"
#include "views/charts/ChartStyle.h"

#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace kvlab {

namespace {

constexpr double kMinIntensity = 0.05; // FLOP per byte
constexpr double kMaxIntensity = 500.0;

// A label that ends (memory) or starts (compute) beside the ridge, so it
// stays inside the axes at any width.
QCPItemText* regionLabel(QCustomPlot* plot, const QString& text, Qt::Alignment side)
{
    auto* label = new QCPItemText(plot);
    label->setText(text);
    label->setPositionAlignment(side | Qt::AlignBottom);
    label->position->setType(QCPItemPosition::ptPlotCoords);
    return label;
}

} // namespace

RooflineChart::RooflineChart(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);

    m_memoryCeiling = m_plot->addGraph();
    m_computeCeiling = m_plot->addGraph();
    m_cached = m_plot->addGraph();
    m_uncached = m_plot->addGraph();
    m_memoryCeiling->setName(tr("bandwidth × intensity"));
    m_computeCeiling->setName(tr("peak multiply rate"));
    m_cached->setName(tr("with cache (a step)"));
    m_uncached->setName(tr("without cache (a step)"));
    for (QCPGraph* points : {m_cached, m_uncached})
        points->setLineStyle(QCPGraph::lsNone);
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        useLogScale(*axis);
        axis->setNumberFormat(QStringLiteral("g"));
    }
    auto* titles = new AxisTitles(m_plot);
    titles->set(m_plot->xAxis, {tr("arithmetic intensity (FLOP per byte read)"), tr("FLOP per byte read")});
    titles->set(m_plot->yAxis, {tr("GFLOP/s attained"), tr("GFLOP/s")});
    // The legend goes under the axes, two entries a row: inside, it would
    // cover the points climbing towards the roof.
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
    m_plot->legend->setWrap(2);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    m_plot->legend->setMargins(QMargins(6, 2, 6, 2));
    m_memoryBound = regionLabel(m_plot, tr("← memory-bound"), Qt::AlignRight);
    m_computeBound = regionLabel(m_plot, tr("compute-bound →"), Qt::AlignLeft);
    setTheme(Theme::light());
    fitRanges();
}

void RooflineChart::setTheme(const Theme& theme)
{
    styleChart(*m_plot, theme);
    m_memoryCeiling->setPen(QPen(theme.text, 2.0));
    m_computeCeiling->setPen(QPen(theme.text, 2.0, Qt::DashLine));
    m_cached->setPen(QPen(theme.cachedAccent));
    m_cached->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, theme.cachedAccent, 7));
    m_uncached->setPen(QPen(theme.uncachedAccent));
    m_uncached->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, theme.uncachedAccent, 7));
    QFont font;
    font.setPixelSize(static_cast<int>(13 * theme.typeScale));
    font.setItalic(true);
    for (QCPItemText* label : {m_memoryBound, m_computeBound}) {
        label->setFont(font);
        label->setColor(theme.mutedText);
    }
    m_plot->replot();
}

void RooflineChart::setRates(const kv::MachineRates& rates)
{
    m_rates = rates;
    m_memoryCeiling->data()->clear();
    m_computeCeiling->data()->clear();
    if (rates.valid()) {
        // The two ceilings meet at the ridge: peak / bandwidth FLOP per byte.
        const double peak = rates.peakGflops();
        const double ridge = peak / rates.gbps;
        m_memoryCeiling->setData({kMinIntensity, ridge}, {rates.gbps * kMinIntensity, peak}, true);
        m_computeCeiling->setData({ridge, kMaxIntensity}, {peak, peak}, true);
        m_memoryBound->position->setCoords(ridge / 1.5, peak * 1.15);
        m_computeBound->position->setCoords(ridge * 1.5, peak * 1.15);
    }
    fitRanges();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void RooflineChart::addStep(const kv::BenchmarkStep& step)
{
    if (step.bytesRead <= 0 || step.wallMs <= 0.0)
        return;
    points(step.path)->addData(intensity(step), attainedGflops(step));
    fitRanges();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void RooflineChart::clear()
{
    m_cached->data()->clear();
    m_uncached->data()->clear();
    fitRanges();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QCPGraph* RooflineChart::points(kv::DecodeMode path) const
{
    return path == kv::DecodeMode::Cached ? m_cached : m_uncached;
}

double RooflineChart::intensity(const kv::BenchmarkStep& step)
{
    return 2.0 * static_cast<double>(step.macs) / static_cast<double>(step.bytesRead);
}

double RooflineChart::attainedGflops(const kv::BenchmarkStep& step)
{
    // 2 x macs FLOP in wallMs milliseconds: 10^6 FLOP per ms is 1 GFLOP/s.
    return 2.0 * static_cast<double>(step.macs) / (step.wallMs * 1e6);
}

void RooflineChart::fitRanges()
{
    // A decade either side of what is drawn, the ridge and both labels included.
    double lowX = 1.0;
    double highX = 10.0;
    double lowY = 1.0;
    double highY = 10.0;
    if (m_rates.valid()) {
        const double ridge = m_rates.peakGflops() / m_rates.gbps;
        lowX = std::min(lowX, ridge / 20);
        highX = std::max(highX, ridge * 20);
        highY = std::max(highY, m_rates.peakGflops() * 2);
    }
    for (QCPGraph* graph : {m_cached, m_uncached}) {
        for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
            lowX = std::min(lowX, it->key / 2);
            highX = std::max(highX, it->key * 2);
            lowY = std::min(lowY, it->value / 2);
            highY = std::max(highY, it->value * 2);
        }
    }
    m_plot->xAxis->setRange(std::max(lowX, kMinIntensity), std::min(highX, kMaxIntensity));
    m_plot->yAxis->setRange(lowY, highY);
}

} // namespace kvlab
