#include "views/charts/ChartsPanel.h"

#include "views/charts/CostChart.h"
#include "views/charts/ProbabilityChart.h"
#include "views/charts/ScalingChart.h"

namespace kvlab {

ChartsPanel::ChartsPanel(QWidget* parent)
    : QTabWidget(parent)
    , m_cost(new CostChart(this))
    , m_scaling(new ScalingChart(this))
    , m_probabilities(new ProbabilityChart(ProbabilityChart::Content::NextToken, this))
    , m_attention(new ProbabilityChart(ProbabilityChart::Content::AttentionWeights, this))
{
    addTab(m_cost, tr("Cost per step"));
    addTab(m_scaling, tr("Cost vs length"));
    addTab(m_probabilities, tr("Next token"));
    addTab(m_attention, tr("Attention"));
    setTabToolTip(0, tr("Multiply-adds of both paths per step, by phase, and the running totals"));
    setTabToolTip(1, tr("What the live model's shape costs at every length up to its context"));
    setTabToolTip(2, tr("The probabilities behind the chosen token"));
    setTabToolTip(3, tr("How the newest token spreads its attention over the keys"));
    connect(this, &QTabWidget::currentChanged, this, &ChartsPanel::refreshCurrent);
}

void ChartsPanel::setFrame(const Frame& frame)
{
    // The charts do not animate: frames that differ only in progress change nothing.
    const bool same = frame.lesson == m_frame.lesson && frame.step == m_frame.step && frame.phase == m_frame.phase
        && frame.layer == m_frame.layer && frame.head == m_frame.head && frame.theme.name == m_frame.theme.name
        && frame.theme.typeScale == m_frame.theme.typeScale;
    m_frame = frame;
    if (!same)
        refreshCurrent();
}

void ChartsPanel::refreshCurrent()
{
    if (!m_frame.valid())
        return;
    if (currentWidget() == m_cost)
        m_cost->setFrame(m_frame);
    else if (currentWidget() == m_scaling)
        m_scaling->setFrame(m_frame);
    else if (currentWidget() == m_probabilities)
        m_probabilities->setFrame(m_frame);
    else
        m_attention->setFrame(m_frame);
}

} // namespace kvlab
