#include "views/memory/MemoryCalculatorPanel.h"

#include "views/diagrams/ByteText.h"
#include "core/util/KvError.h"
#include "views/memory/MemoryChart.h"
#include "views/memory/MemoryFigures.h"
#include "views/memory/MemoryInputs.h"
#include "core/util/NumberFormat.h"

#include <QBoxLayout>
#include <QScrollArea>

#include <algorithm>
#include <cmath>

namespace kvlab {

namespace {

QString grouped(std::int64_t value)
{
    return QString::fromStdString(kv::groupDigits(value));
}

} // namespace

MemoryCalculatorPanel::MemoryCalculatorPanel(QWidget* parent)
    : QWidget(parent)
    , m_scroll(new QScrollArea(this))
    , m_top(new QBoxLayout(QBoxLayout::LeftToRight))
    , m_charts(new QBoxLayout(QBoxLayout::LeftToRight))
    , m_inputs(new MemoryInputs)
    , m_figures(new MemoryFigures)
    , m_contextChart(new MemoryChart(QString(), tr("context (tokens per sequence)")))
    , m_batchChart(new MemoryChart(QString(), tr("batch (sequences decoded together)")))
{
    m_contextChart->setMinimumSize(300, 280);
    m_batchChart->setMinimumSize(300, 280);
    auto* inputs = new QVBoxLayout;
    inputs->addWidget(m_inputs);
    inputs->addStretch(1);
    m_top->addLayout(inputs);
    m_top->addSpacing(12);
    m_top->addWidget(m_figures, 1);
    m_charts->addWidget(m_contextChart);
    m_charts->addWidget(m_batchChart);
    auto* content = new QWidget;
    auto* column = new QVBoxLayout(content);
    column->addLayout(m_top);
    column->addLayout(m_charts, 1);
    m_scroll->setWidget(content);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_scroll);
    setTheme(Theme::light());
    connect(m_inputs, &MemoryInputs::changed, this, &MemoryCalculatorPanel::recompute);
    recompute();
}

void MemoryCalculatorPanel::resizeEvent(QResizeEvent* event)
{
    arrange(width());
    QWidget::resizeEvent(event);
}

void MemoryCalculatorPanel::arrange(int width)
{
    // Below these widths the figures beside the inputs would wrap every line,
    // and two charts side by side would be too narrow to read.
    const double scale = std::max(1.0, m_theme.typeScale * 0.8);
    const auto direction = [&](double below) {
        return width < below * scale ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight;
    };
    m_top->setDirection(direction(1000));
    m_charts->setDirection(direction(660));
}

void MemoryCalculatorPanel::setLiveModel(const kv::ModelConfig& config)
{
    m_inputs->setLiveModel(config);
}

bool MemoryCalculatorPanel::showPreset(const QString& name, int context, int batch, const QString& dtype,
                                       const QString& gpu, int kvHeads)
{
    const QString problem = m_inputs->setAll(name, context, batch, dtype, gpu, kvHeads);
    if (!problem.isEmpty())
        m_figures->showError(problem);
    return problem.isEmpty();
}

void MemoryCalculatorPanel::recompute()
{
    try {
        MemoryReport report = MemoryReport::compute(m_inputs->model(), m_inputs->settings(), m_inputs->gpu());
        m_report.emplace(std::move(report));
    } catch (const kv::KvError& error) {
        // m_report keeps the last valid input's figures, and the display with it.
        m_figures->showError(QString::fromStdString(error.what()));
        return;
    }
    m_figures->show(*m_report, panelNotes(*m_report));
    showCharts(*m_report);
}

void MemoryCalculatorPanel::showCharts(const MemoryReport& report)
{
    const kv::MemorySettings& settings = report.calculator.settings();
    std::optional<double> budget;
    QString budgetLabel;
    if (report.split && report.gpu) {
        const std::int64_t left = report.split->gpuBytes - report.split->weightsBytes;
        const QString gpu = gpuLabel(report.gpu->name);
        budget = double(left);
        budgetLabel = left >= 0 ? tr("%1: %2 left\nafter the weights").arg(gpu, decimalBytes(left))
                                : tr("the weights alone overflow\nthe %1 by %2").arg(gpu, decimalBytes(-left));
    }
    m_contextChart->setTitle(tr("KV cache vs context, batch %1").arg(settings.batch));
    m_contextChart->show(report.byContext, double(settings.context), tr("%1 tokens").arg(grouped(settings.context)),
                         budget, budgetLabel);
    m_batchChart->setTitle(tr("KV cache vs batch, %1 tokens each").arg(grouped(settings.context)));
    m_batchChart->show({report.byBatch}, double(settings.batch), tr("batch %1").arg(settings.batch), budget, budgetLabel);
}

QStringList MemoryCalculatorPanel::panelNotes(const MemoryReport& report) const
{
    QStringList notes;
    const kv::MemoryCalculator& calculator = report.calculator;
    const std::optional<std::int64_t> window = calculator.model().slidingWindow;
    if (report.tokensThatFit && window && *report.tokensThatFit >= *window)
        notes << tr("the sliding window caps the cache at %1 tokens per sequence, and they fit: any context does")
                     .arg(grouped(*window));
    if (m_inputs->isLive() && m_inputs->liveModel()) {
        const kv::MemoryCalculator allocated = kv::MemoryCalculator::fromConfig(*m_inputs->liveModel());
        const kv::MemorySettings& live = allocated.settings();
        const kv::MemorySettings& shown = calculator.settings();
        if (shown.dataType == live.dataType && shown.context == live.context && shown.batch == live.batch
            && !shown.kvHeads)
            notes << tr("%1, all %2 positions, batch %3: the bytes the app's own KV cache allocates for the model "
                        "it runs")
                         .arg(QString::fromStdString(kv::dataTypeName(live.dataType)))
                         .arg(live.context)
                         .arg(live.batch);
        else
            notes << tr("the app's own KV cache for this model is %1, %2 positions, batch %3: %4")
                         .arg(QString::fromStdString(kv::dataTypeName(live.dataType)))
                         .arg(live.context)
                         .arg(live.batch)
                         .arg(exactBytes(allocated.totalBytes()));
    }
    return notes;
}

void MemoryCalculatorPanel::setTheme(const Theme& theme)
{
    QPalette palette = this->palette();
    palette.setColor(QPalette::Window, theme.background);
    palette.setColor(QPalette::WindowText, theme.text);
    palette.setColor(QPalette::Base, theme.panel);
    palette.setColor(QPalette::AlternateBase, theme.background);
    palette.setColor(QPalette::Text, theme.text);
    palette.setColor(QPalette::Button, theme.panel);
    palette.setColor(QPalette::ButtonText, theme.text);
    palette.setColor(QPalette::Highlight, theme.cachedAccent);
    palette.setColor(QPalette::HighlightedText, Qt::white);
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, theme.mutedText);
    setPalette(palette);
    setAutoFillBackground(true);
    QFont font = this->font();
    font.setPixelSize(static_cast<int>(std::lround(15 * theme.typeScale)));
    setFont(font);
    m_inputs->setMaximumWidth(static_cast<int>(std::lround(360 * theme.typeScale)));
    m_figures->setTheme(theme);
    m_contextChart->setTheme(theme);
    m_batchChart->setTheme(theme);
    m_theme = theme;
    arrange(width());
}

std::int64_t MemoryCalculatorPanel::bytesPerToken() const
{
    return m_report ? m_report->calculator.bytesPerToken() : 0;
}

std::int64_t MemoryCalculatorPanel::totalBytes() const
{
    return m_report ? m_report->calculator.totalBytes() : 0;
}

QString MemoryCalculatorPanel::formulaText() const
{
    return m_figures->formulaText();
}

QString MemoryCalculatorPanel::errorText() const
{
    return m_figures->errorText();
}

QStringList MemoryCalculatorPanel::notes() const
{
    return m_figures->notes();
}

} // namespace kvlab
