#pragma once

#include "views/playback/Frame.h"

#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;

namespace kvlab {

// Bar charts that follow the frame: the next-token probabilities of the
// step, or the current head's attention weights over the keys. With
// sampling, the bars are the distribution the token was drawn from (after
// temperature, top-k and top-p), outlined by the model's own probabilities,
// with a dashed line where the filters cut the candidates off.
class ProbabilityChart : public QWidget {
    Q_OBJECT

public:
    enum class Content { NextToken, AttentionWeights };

    explicit ProbabilityChart(Content content, QWidget* parent = nullptr);
    void setFrame(const Frame& frame);
    QCustomPlot* plot() const { return m_plot; }
    QCPBars* bars() const { return m_bars; }
    QCPBars* chosen() const { return m_chosen; }
    QCPBars* model() const { return m_model; } // the model's probabilities (T = 1), sampling only
    QCPItemStraightLine* cutOff() const { return m_cut; }
    QCPItemText* chosenLabel() const { return m_chosenLabel; } // "p = …" over the drawn token's bar

    static constexpr int kTopK = 8;

private:
    struct Series {
        QVector<double> values;
        QVector<QString> labels;
        QVector<double> model; // sampling: each bar's probability under the model alone
        int highlighted = -1;
        double cutAt = -1;     // x of the top-k / top-p cut-off line, -1: none
        QString cutLabel;
        QString title;
    };
    Series nextTokenSeries(const Frame& frame) const;
    Series attentionSeries(const Frame& frame) const;
    void showCutOff(const Series& series, const Theme& theme);

    Content m_content;
    QCustomPlot* m_plot;
    QCPBars* m_bars;
    QCPBars* m_chosen;
    QCPBars* m_model;
    QCPItemStraightLine* m_cut;
    QCPItemText* m_cutLabel;
    QCPItemText* m_chosenLabel;
    QCPTextElement* m_title;
    QString m_themeName; // the theme last applied to the plot
    double m_typeScale = 0.0;
};

} // namespace kvlab
