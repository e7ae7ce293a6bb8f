#pragma once

#include "views/playback/Frame.h"

#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;

namespace kvlab {

// Analytic cost against sequence length for the live model's shape, from 1
// to the context limit: work per step and in total without a cache (grows
// with the square) and with one (linear), and the cache's memory.
class ScalingChart : public QWidget {
    Q_OBJECT

public:
    explicit ScalingChart(QWidget* parent = nullptr);
    void setFrame(const Frame& frame);
    QCustomPlot* plot() const { return m_plot; }
    QCPGraph* stepWithout() const { return m_stepWithout; }
    QCPGraph* stepWith() const { return m_stepWith; }
    QCPGraph* totalWithout() const { return m_totalWithout; }
    QCPGraph* totalWith() const { return m_totalWith; }
    QCPGraph* memory() const { return m_memory; }

private:
    void fill(const kv::ModelConfig& config);

    QCustomPlot* m_plot;
    QCPGraph* m_stepWithout;
    QCPGraph* m_stepWith;
    QCPGraph* m_totalWithout;
    QCPGraph* m_totalWith;
    QCPGraph* m_memory;
    QCPItemStraightLine* m_cursor;
    const Lesson* m_shown = nullptr;
    QString m_themeName;
};

} // namespace kvlab
