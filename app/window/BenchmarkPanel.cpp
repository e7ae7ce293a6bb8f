#include "app/window/BenchmarkPanel.h"

#include "core/lab/BenchmarkShape.h"
#include "app/window/BenchmarkWorker.h"
#include "views/charts/AxisTitles.h"
#include "views/charts/ChartStyle.h"
#include "core/util/NumberFormat.h"
#include "views/charts/RooflineChart.h"
#include "core/tensor/TensorOps.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include <qcustomplot.h>

namespace kvlab {

namespace {

enum Graph { CachedMeasured, UncachedMeasured, CachedRoofline, UncachedRoofline };

QString milliseconds(double ms)
{
    return ms >= 1000 ? QStringLiteral("%1 s").arg(ms / 1000, 0, 'f', 2) : QStringLiteral("%1 ms").arg(ms, 0, 'f', 2);
}

// Which ceiling binds a step, in words, from its own figures.
QString boundBy(const kv::BenchmarkStep& step)
{
    return BenchmarkPanel::tr("%1 multiply-adds take %2 at the machine's peak %3 GFLOP/s; "
                              "its %4 MB take %5 to read at %6 GB/s: <b>%7-bound</b>; its operations one "
                              "after another, each at the slower of its two limits: %8")
        .arg(QString::fromStdString(kv::groupDigits(step.macs)))
        .arg(milliseconds(step.computeMs))
        .arg(step.gflops, 0, 'f', 1)
        .arg(step.bytesRead / 1e6, 0, 'f', 1)
        .arg(milliseconds(step.memoryMs))
        .arg(step.gbps, 0, 'f', 1)
        .arg(step.memoryBound() ? BenchmarkPanel::tr("memory") : BenchmarkPanel::tr("compute"))
        .arg(milliseconds(step.rooflineMs()));
}

// How close each path came to its roofline, and which ceiling binds it.
QString limits(const kv::BenchmarkSummary& summary)
{
    const auto path = [&](kv::DecodeMode mode) {
        const bool memory = summary.memoryBoundShare(mode) >= 0.5;
        return BenchmarkPanel::tr("<b>%1% of its roofline</b> (%2-bound)")
            .arg(100 * summary.fractionOfRoofline(mode), 0, 'f', 0)
            .arg(memory ? BenchmarkPanel::tr("memory") : BenchmarkPanel::tr("compute"));
    };
    const QString threads = summary.rates.threads == 1 ? BenchmarkPanel::tr("1 thread")
                                                       : BenchmarkPanel::tr("%1 threads").arg(summary.rates.threads);
    return BenchmarkPanel::tr("On %1, with the cache the run reached %2; without it, %3.")
        .arg(threads)
        .arg(path(kv::DecodeMode::Cached))
        .arg(path(kv::DecodeMode::Uncached));
}

// How far the memory's bandwidth moved during the run, read between the steps.
QString bandwidthDuring(const kv::BenchmarkSummary& summary)
{
    if (summary.bandwidthReads.empty())
        return {};
    const kv::BenchmarkSummary::Spread spread = summary.bandwidthSpread();
    return BenchmarkPanel::tr("<br>Between the steps the memory read at %1–%2 GB/s (median %3); each step is "
                              "priced at the bandwidth read just before and after it.")
        .arg(spread.min, 0, 'f', 1)
        .arg(spread.max, 0, 'f', 1)
        .arg(spread.median, 0, 'f', 1);
}

// The multiply curve at its octaves (1, 2, 4, ... rows) and its last point.
QString rateCurve(const kv::MachineRates& rates)
{
    QStringList points;
    for (std::size_t i = 0; i < rates.matmulCurve.size(); ++i) {
        const kv::MatmulRate& point = rates.matmulCurve[i];
        const bool octave = (point.rows & (point.rows - 1)) == 0;
        if (octave || i + 1 == rates.matmulCurve.size())
            points << QStringLiteral("%1 → %2").arg(point.rows).arg(point.gflops, 0, 'f', 1);
    }
    return points.join(QStringLiteral(", "));
}

} // namespace

BenchmarkPanel::BenchmarkPanel(QWidget* parent)
    : QWidget(parent)
    , m_worker(new BenchmarkWorker)
    , m_shape(new QComboBox(this))
    , m_tokens(new QSpinBox(this))
    , m_promptTokens(new QSpinBox(this))
    , m_threads(new QSpinBox(this))
    , m_run(new QPushButton(tr("&Run"), this))
    , m_progress(new QProgressBar(this))
    , m_rates(new QLabel(this))
    , m_verdict(new QLabel(this))
    , m_latency(new QCustomPlot(this))
    , m_cumulative(new QCustomPlot(this))
    , m_roofline(new RooflineChart(this))
    , m_lowerPlots(new QTabWidget(this))
{
    for (const std::string& name : kv::BenchmarkShape::names())
        m_shape->addItem(QString::fromStdString(name));
    m_shape->setCurrentText(QStringLiteral("gpt2-small"));
    m_shape->setToolTip(tr("Model shape, with random weights: the shipped tiny one, ~10M parameters, or GPT-2 small's"));
    m_tokens->setRange(1, 1000);
    m_tokens->setValue(100);
    m_promptTokens->setRange(1, 1000);
    m_promptTokens->setValue(1);
    m_threads->setRange(1, kv::availableCores());
    m_threads->setValue(kv::availableCores());
    m_threads->setToolTip(tr("Threads for the matrix products and the attention heads, and for measuring the "
                             "machine's ceilings (this machine has %n core(s))",
                             nullptr, kv::availableCores()));
    m_verdict->setWordWrap(true);
    m_verdict->setTextFormat(Qt::RichText);
    m_rates->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Shape:"), m_shape);
    form->addRow(tr("New tokens:"), m_tokens);
    form->addRow(tr("Prompt tokens:"), m_promptTokens);
    form->addRow(tr("Threads:"), m_threads);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_progress, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_rates);
    layout->addWidget(m_latency, 1);
    m_lowerPlots->addTab(m_cumulative, tr("Total time"));
    m_lowerPlots->addTab(m_roofline, tr("Roofline"));
    m_lowerPlots->setTabToolTip(0, tr("Time spent so far by each path"));
    m_lowerPlots->setTabToolTip(1, tr("Each pass at its arithmetic intensity and attained rate, under the machine's "
                                      "memory and compute ceilings"));
    layout->addWidget(m_lowerPlots, 1);
    layout->addWidget(m_verdict);
    buildPlots();

    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &BenchmarkPanel::runRequested, m_worker, &BenchmarkWorker::run, Qt::QueuedConnection);
    connect(m_worker, &BenchmarkWorker::ratesMeasured, this, [this](const kv::MachineRates& rates) {
        m_roofline->setRates(rates);
        m_rates->setText(tr("This machine's ceilings, measured now on %1 thread(s): memory streams at %2 GB/s; "
                            "the best matrix multiply (OpenBLAS, large) runs at %3 GFLOP/s. With few rows it "
                            "reaches less (rows → GFLOP/s): %4. They are measured again after the run; the "
                            "verdict uses the better of the two.")
                             .arg(rates.threads)
                             .arg(rates.gbps, 0, 'f', 1)
                             .arg(rates.peakGflops(), 0, 'f', 1)
                             .arg(rateCurve(rates)));
    });
    connect(m_worker, &BenchmarkWorker::stepDone, this, &BenchmarkPanel::addStep);
    connect(m_worker, &BenchmarkWorker::finished, this, &BenchmarkPanel::showSummary);
    connect(m_worker, &BenchmarkWorker::failed, this, [this](const QString& message) {
        setRunning(false);
        m_verdict->setText(QStringLiteral("<span style='color:#c62828'><b>%1</b></span>").arg(message.toHtmlEscaped()));
    });
    connect(m_run, &QPushButton::clicked, this, [this] { m_running ? cancel() : start(); });
    m_thread.start();
}

BenchmarkPanel::~BenchmarkPanel()
{
    m_worker->cancel();
    m_thread.quit();
    m_thread.wait();
}

void BenchmarkPanel::buildPlots()
{
    m_latency->addGraph()->setName(tr("with cache (measured)"));
    m_latency->addGraph()->setName(tr("without cache (measured)"));
    m_latency->addGraph()->setName(tr("with cache (roofline)"));
    m_latency->addGraph()->setName(tr("without cache (roofline)"));
    auto* latencyTitles = new AxisTitles(m_latency);
    latencyTitles->set(m_latency->xAxis, {tr("step (0: prompt pass / time to first token)"), tr("step (0: prompt pass)"), tr("step")});
    latencyTitles->set(m_latency->yAxis, {tr("ms per token"), tr("ms")});
    m_latency->legend->setVisible(true);
    m_latency->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    m_cumulative->addGraph()->setName(tr("with cache"));
    m_cumulative->addGraph()->setName(tr("without cache"));
    auto* cumulativeTitles = new AxisTitles(m_cumulative);
    cumulativeTitles->set(m_cumulative->xAxis, {tr("tokens generated"), tr("tokens")});
    cumulativeTitles->set(m_cumulative->yAxis, {tr("total ms"), tr("ms")});
    m_cumulative->legend->setVisible(true);
    m_cumulative->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    setTheme(m_theme);
}

void BenchmarkPanel::setTheme(const Theme& theme)
{
    m_theme = theme;
    styleChart(*m_latency, theme);
    styleChart(*m_cumulative, theme);
    m_latency->graph(CachedMeasured)->setPen(QPen(theme.cachedAccent, 2.5));
    m_latency->graph(UncachedMeasured)->setPen(QPen(theme.uncachedAccent, 2.5));
    m_latency->graph(CachedRoofline)->setPen(QPen(theme.cachedAccent, 1.5, Qt::DashLine));
    m_latency->graph(UncachedRoofline)->setPen(QPen(theme.uncachedAccent, 1.5, Qt::DashLine));
    m_cumulative->graph(0)->setPen(QPen(theme.cachedAccent, 2.5));
    m_cumulative->graph(1)->setPen(QPen(theme.uncachedAccent, 2.5));
    m_latency->replot();
    m_cumulative->replot();
    m_roofline->setTheme(theme);
}

void BenchmarkPanel::setup(const QString& shape, int tokens, int promptTokens)
{
    m_shape->setCurrentText(shape);
    m_tokens->setValue(tokens);
    m_promptTokens->setValue(promptTokens);
}

void BenchmarkPanel::setThreads(int threads)
{
    m_threads->setValue(threads);
}

void BenchmarkPanel::start()
{
    if (m_running)
        return;
    for (QCustomPlot* plot : {m_latency, m_cumulative})
        for (int i = 0; i < plot->graphCount(); ++i)
            plot->graph(i)->data()->clear();
    m_roofline->clear();
    m_totalCached = 0;
    m_totalUncached = 0;
    m_progress->setRange(0, 2 * m_tokens->value());
    m_progress->setValue(0);
    m_verdict->setText(tr("Measuring the machine, then timing both paths…"));
    setRunning(true);
    emit runRequested(m_shape->currentText(), m_tokens->value(), m_promptTokens->value(), m_threads->value());
}

void BenchmarkPanel::cancel()
{
    m_worker->cancel();
    m_verdict->setText(tr("Cancelling after the step in progress…"));
}

void BenchmarkPanel::setRunning(bool running)
{
    m_running = running;
    m_run->setText(running ? tr("&Cancel") : tr("&Run"));
    m_run->setToolTip(running ? tr("Stop after the step in progress") : tr("Time both decode paths"));
    for (QWidget* input : {static_cast<QWidget*>(m_shape), static_cast<QWidget*>(m_tokens),
                           static_cast<QWidget*>(m_promptTokens), static_cast<QWidget*>(m_threads)})
        input->setEnabled(!running);
}

void BenchmarkPanel::addStep(const kv::BenchmarkStep& step)
{
    const bool cached = step.path == kv::DecodeMode::Cached;
    m_latency->graph(cached ? CachedMeasured : UncachedMeasured)->addData(step.step, step.wallMs);
    m_latency->graph(cached ? CachedRoofline : UncachedRoofline)->addData(step.step, step.rooflineMs());
    double& total = cached ? m_totalCached : m_totalUncached;
    total += step.wallMs;
    m_cumulative->graph(cached ? 0 : 1)->addData(step.step + 1, total);
    m_roofline->addStep(step);
    m_progress->setValue(m_progress->value() + 1);
    for (QCustomPlot* plot : {m_latency, m_cumulative}) {
        plot->rescaleAxes();
        plot->yAxis->setRangeLower(0);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void BenchmarkPanel::showSummary(const kv::BenchmarkSummary& summary)
{
    setRunning(false);
    m_progress->setValue(m_progress->maximum());
    if (summary.comparedSteps() == 0) {
        m_verdict->setText(tr("Cancelled before both paths finished a step."));
        return;
    }
    m_roofline->setRates(summary.rates); // the better of the ceilings measured before and after
    const kv::BenchmarkStep& decode = summary.cachedSteps.back();
    const kv::BenchmarkStep& recompute = summary.uncachedSteps.back();
    QString text = tr("<b>%1 tokens on %2:</b> without the cache %3, with it %4 → <b>measured %5× faster</b>; "
                      "multiply-adds predict %6×, the roofline %7×.<br>"
                      "Time to first token %8; then %9 per token with the cache, %10 without.<br>"
                      "One cached decode step: %11. The last uncached step: %12.<br>%13%14")
                       .arg(summary.comparedSteps())
                       .arg(QString::fromStdString(summary.shape))
                       .arg(milliseconds(m_totalUncached))
                       .arg(milliseconds(m_totalCached))
                       .arg(summary.measuredSpeedup(), 0, 'f', 1)
                       .arg(summary.predictedSpeedup(), 0, 'f', 1)
                       .arg(summary.rooflineSpeedup(), 0, 'f', 1)
                       .arg(milliseconds(summary.prefillMs()))
                       .arg(milliseconds(summary.decodeMsPerTokenCached()))
                       .arg(milliseconds(summary.decodeMsPerTokenUncached()))
                       .arg(boundBy(decode))
                       .arg(boundBy(recompute))
                       .arg(limits(summary))
                       .arg(bandwidthDuring(summary));
    if (summary.cancelled)
        text.prepend(tr("<i>Cancelled: figures over the steps both paths finished.</i><br>"));
    m_verdict->setText(text);
    emit summaryReady(summary);
}

} // namespace kvlab
