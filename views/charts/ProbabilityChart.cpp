#include "views/charts/ProbabilityChart.h"

#include "views/charts/AxisTitles.h"
#include "views/charts/ChartStyle.h"
#include "views/charts/LabelTicker.h"
#include "views/playback/Narrator.h"

#include <QVBoxLayout>

#include <qcustomplot.h>


namespace kvlab {

ProbabilityChart::ProbabilityChart(Content content, QWidget* parent)
    : QWidget(parent)
    , m_content(content)
    , m_plot(new QCustomPlot(this))
    , m_bars(new QCPBars(m_plot->xAxis, m_plot->yAxis))
    , m_chosen(new QCPBars(m_plot->xAxis, m_plot->yAxis))
    , m_model(new QCPBars(m_plot->xAxis, m_plot->yAxis))
    , m_cut(new QCPItemStraightLine(m_plot))
    , m_cutLabel(new QCPItemText(m_plot))
    , m_chosenLabel(new QCPItemText(m_plot))
    , m_title(new QCPTextElement(m_plot))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_title);
    m_bars->setWidth(0.7);
    m_chosen->setWidth(0.7);
    m_model->setWidth(0.7);
    m_model->setBrush(Qt::NoBrush);
    m_model->setName(tr("the model alone (T = 1)"));
    m_cut->setVisible(false);
    m_cutLabel->setVisible(false);
    m_cutLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_chosenLabel->setVisible(false);
    m_chosenLabel->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
    m_plot->yAxis->setRange(0, 1.05);
    (new AxisTitles(m_plot))
        ->set(m_plot->yAxis, content == Content::NextToken ? QStringList{tr("probability")}
                                                           : QStringList{tr("attention weight"), tr("weight")});
}

ProbabilityChart::Series ProbabilityChart::nextTokenSeries(const Frame& frame) const
{
    Series series;
    const kv::StepRecord& step = frame.record(kv::DecodeMode::Cached);
    const kv::SampledDistribution& drawn = step.sampled;
    const bool greedy = drawn.greedy();
    const auto shown = std::min(drawn.tokens.size(), static_cast<std::size_t>(kTopK));
    for (std::size_t i = 0; i < shown; ++i) {
        series.values << (greedy ? drawn.modelProbability[i] : drawn.drawProbability[i]);
        series.labels << frame.lesson->token(drawn.tokens[i]);
        if (!greedy)
            series.model << drawn.modelProbability[i];
        if (drawn.tokens[i] == step.chosenToken)
            series.highlighted = static_cast<int>(i);
    }
    if (series.highlighted < 0 && drawn.chosenToken >= 0) {
        // A hot draw can pick a token far down the list: show it after the candidates.
        series.highlighted = static_cast<int>(series.values.size());
        series.values << Narrator::drawnProbability(step);
        series.labels << tr("%1 (#%2)").arg(frame.lesson->token(drawn.chosenToken)).arg(drawn.chosenRank + 1);
        if (!greedy)
            series.model << drawn.chosenModelProbability;
    }
    const QString after = frame.lesson->token(step.inputTokens.back());
    if (greedy) {
        series.title = tr("Next-token probabilities after “%1” (top %2); greedy takes the likeliest").arg(after).arg(shown);
        return series;
    }
    const kv::SamplingSettings& settings = drawn.settings;
    series.title = tr("After “%1”: drawn at temperature %2, top-k %3, top-p %4 (dashed: the model at T = 1)")
                       .arg(after)
                       .arg(static_cast<double>(settings.temperature))
                       .arg(settings.topK > 0 ? QString::number(settings.topK) : tr("off"))
                       .arg(settings.topP < 1.0f ? QString::number(static_cast<double>(settings.topP)) : tr("off"));
    if (drawn.filtered() && drawn.kept < static_cast<int>(shown)) {
        series.cutAt = drawn.kept - 0.5;
        series.cutLabel = tr(" cut-off: %1 of %2 tokens kept").arg(drawn.kept).arg(drawn.vocabulary);
    }
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
    QSharedPointer<LabelTicker> ticker(new LabelTicker(m_plot->xAxis));
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
    QVector<double> modelKeys;
    for (int i = 0; i < series.model.size(); ++i)
        modelKeys << i;
    m_model->setData(modelKeys, series.model);
    m_model->setPen(QPen(frame.theme.text, 1.5, Qt::DashLine));
    m_model->setVisible(known && !series.model.isEmpty());
    showCutOff(known ? series : Series{}, frame.theme);
    const bool labelled = known && m_content == Content::NextToken && !chosenValue.isEmpty();
    m_chosenLabel->setVisible(labelled);
    if (labelled) {
        m_chosenLabel->position->setCoords(chosenKey.front(), chosenValue.front() + 0.01);
        m_chosenLabel->setText(QStringLiteral("p = %1").arg(Narrator::probabilityText(chosenValue.front())));
        m_chosenLabel->setColor(frame.theme.good);
    }
    m_plot->xAxis->setTickLabelRotation(series.values.size() > 5 ? 35 : 0);
    // A label per bar while they have room, else every 2nd, 5th, 10th, ...
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setRange(-0.6, std::max(1.0, series.values.size() - 0.4));
    QFont font;
    font.setPixelSize(static_cast<int>(15 * frame.theme.typeScale));
    font.setBold(true);
    m_title->setFont(font);
    m_title->setTextColor(frame.theme.text);
    m_title->setText(series.title);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ProbabilityChart::showCutOff(const Series& series, const Theme& theme)
{
    const bool shown = series.cutAt >= 0;
    m_cut->setVisible(shown);
    m_cutLabel->setVisible(shown);
    if (!shown)
        return;
    m_cut->point1->setCoords(series.cutAt, 0);
    m_cut->point2->setCoords(series.cutAt, 1);
    m_cut->setPen(QPen(theme.bad, 2, Qt::DashLine));
    m_cutLabel->position->setCoords(series.cutAt, 1.02);
    m_cutLabel->setText(series.cutLabel);
    m_cutLabel->setColor(theme.bad);
}

} // namespace kvlab
