#pragma once

#include "views/playback/Frame.h"

#include <QTabWidget>

namespace kvlab {

class CostChart;
class ProbabilityChart;
class ScalingChart;

// The charts beside the panes, one tab each; only the visible one redraws.
class ChartsPanel : public QTabWidget {
    Q_OBJECT

public:
    explicit ChartsPanel(QWidget* parent = nullptr);
    void setFrame(const Frame& frame);

    CostChart* cost() const { return m_cost; }
    ScalingChart* scaling() const { return m_scaling; }
    ProbabilityChart* probabilities() const { return m_probabilities; }
    ProbabilityChart* attention() const { return m_attention; }

private:
    void refreshCurrent();

    CostChart* m_cost;
    ScalingChart* m_scaling;
    ProbabilityChart* m_probabilities;
    ProbabilityChart* m_attention;
    Frame m_frame;
};

} // namespace kvlab
