#pragma once

#include "Frame.h"

#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPTextElement;

namespace kvlab {

// Bar charts that follow the frame: the next-token probabilities (top k) of
// the step, or the current head's attention weights over the keys.
class ProbabilityChart : public QWidget {
    Q_OBJECT

public:
    enum class Content { NextToken, AttentionWeights };

    explicit ProbabilityChart(Content content, QWidget* parent = nullptr);
    void setFrame(const Frame& frame);
    QCustomPlot* plot() const { return m_plot; }
    QCPBars* bars() const { return m_bars; }
    QCPBars* chosen() const { return m_chosen; }

    static constexpr int kTopK = 8;

private:
    struct Series {
        QVector<double> values;
        QVector<QString> labels;
        int highlighted = -1;
        QString title;
    };
    Series nextTokenSeries(const Frame& frame) const;
    Series attentionSeries(const Frame& frame) const;

    Content m_content;
    QCustomPlot* m_plot;
    QCPBars* m_bars;
    QCPBars* m_chosen;
    QCPTextElement* m_title;
    QString m_themeName; // the theme last applied to the plot
    double m_typeScale = 0.0;
};

} // namespace kvlab
