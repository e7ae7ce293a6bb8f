#include "ProbabilityChart.h"

#include "ChartStyle.h"
#include "TensorOps.h"

#include <QVBoxLayout>

#include <qcustomplot.h>


namespace kvlab {

ProbabilityChart::ProbabilityChart(Content content, QWidget* parent)
    : QWidget(parent)
    , m_content(content)
    , m_plot(new QCustomPlot(this))
    , m_bars(new QCPBars(m_plot->xAxis, m_plot->yAxis))
    , m_chosen(new QCPBars(m_plot->xAxis, m_plot->yAxis))
    , m_title(new QCPTextElement(m_plot))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_title);
    m_bars->setWidth(0.7);
    m_chosen->setWidth(0.7);
    m_plot->yAxis->setRange(0, 1.05);
    m_plot->yAxis->setLabel(content == Content::NextToken ? tr("probability") : tr("attention weight"));
}

ProbabilityChart::Series ProbabilityChart::nextTokenSeries(const Frame& frame) const
{
    Series series;
    const kv::StepRecord& step = frame.record(kv::DecodeMode::Cached);
    const std::vector<int> order = kv::topTokens(step.probabilities, kTopK);
    const std::size_t shown = order.size();
    for (std::size_t i = 0; i < shown; ++i) {
        series.values << step.probabilities(order[i]);
        series.labels << frame.lesson->token(order[i]);
        if (order[i] == step.chosenToken)
            series.highlighted = static_cast<int>(i);
    }
    series.title = tr("Next-token probabilities after “%1” (top %2)")
                       .arg(frame.lesson->token(step.inputTokens.back()))
                       .arg(shown);
    return series;
}

ProbabilityChart::Series ProbabilityChart::attentionSeries(const Frame& frame) const
{
    Series series;
    const kv::StepRecord& step = frame.record(kv::DecodeMode::Cached);
    const kv::HeadRecord& head = frame.headRecord(kv::DecodeMode::Cached);
    const auto last = head.weights.rows() - 1;
    double best = -1;
    for (Eigen::Index k = 0; k < head.weights.cols(); ++k) {
        series.values << head.weights(last, k);
        series.labels << frame.lesson->token(step.keyTokens[static_cast<std::size_t>(k)]);
        if (head.weights(last, k) > best) {
            best = head.weights(last, k);
            series.highlighted = static_cast<int>(k);
        }
    }
    series.title = tr("Attention of “%1”: layer %2, head %3")
                       .arg(frame.lesson->token(step.inputTokens.back()))
                       .arg(frame.layer)
                       .arg(frame.head);
    return series;
}

void ProbabilityChart::setFrame(const Frame& frame)
{
    if (!frame.valid())
        return;
    const Series series = m_content == Content::NextToken ? nextTokenSeries(frame) : attentionSeries(frame);
    // The numbers exist once their phase has been reached; before that the bars are greyed.
    const bool known = frame.reached(m_content == Content::NextToken ? Phase::NextToken : Phase::Softmax);
    QVector<double> keys;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    QVector<double> chosenValue;
    QVector<double> chosenKey;
    for (int i = 0; i < series.values.size(); ++i) {
        keys << i;
        ticker->addTick(i, series.labels[i]);
        if (i == series.highlighted) {
            chosenKey << i;
            chosenValue << series.values[i];
        }
    }
    if (m_themeName != frame.theme.name || m_typeScale != frame.theme.typeScale) {
        m_themeName = frame.theme.name;
        m_typeScale = frame.theme.typeScale;
        styleChart(*m_plot, frame.theme);
    }
    m_bars->setData(keys, series.values);
    m_chosen->setData(chosenKey, chosenValue);
    const QColor main = known ? frame.theme.cachedAccent : frame.theme.grid;
    m_bars->setBrush(main.lighter(130));
    m_bars->setPen(QPen(main));
    m_chosen->setBrush(known ? frame.theme.stateColor(CellState::New) : frame.theme.grid);
    m_chosen->setPen(QPen(known ? frame.theme.good : frame.theme.grid));
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setTickLabelRotation(series.values.size() > 5 ? 35 : 0);
    m_plot->xAxis->setRange(-0.6, std::max(1.0, series.values.size() - 0.4));
    QFont font;
    font.setPixelSize(static_cast<int>(15 * frame.theme.typeScale));
    font.setBold(true);
    m_title->setFont(font);
    m_title->setTextColor(frame.theme.text);
    m_title->setText(series.title);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace kvlab
