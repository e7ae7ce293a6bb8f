#pragma once

#include "views/playback/Frame.h"

#include <QWidget>

#include <array>

class QCustomPlot;
class QCPBars;
class QCPGraph;
class QCPItemRect;

namespace kvlab {

// Multiply-adds per step of both paths, stacked by phase (top), the running
// totals and the KV bytes held (bottom), with the current step highlighted.
class CostChart : public QWidget {
    Q_OBJECT

public:
    explicit CostChart(QWidget* parent = nullptr);
    void setFrame(const Frame& frame);
    QCustomPlot* plot() const { return m_plot; }

    static constexpr int kPhases = 6; // projections, scores, mix, MLP, LM head, RoPE
    // Up to this many steps each step gets its two stacked bars; past it the
    // bars would be slivers, and each path's work per step becomes an area.
    static constexpr int kMaxBarSteps = 40;
    bool showsBars() const;
    QCPGraph* stepAreaWithout() const { return m_stepUncached; }
    QCPGraph* stepAreaWith() const { return m_stepCached; }

private:
    void build();
    void fill(const Lesson& lesson);
    void highlight(const Frame& frame);
    void showBars(bool bars);

    QCustomPlot* m_plot;
    std::array<QCPBars*, kPhases> m_uncached{};
    std::array<QCPBars*, kPhases> m_cached{};
    bool m_rotary = false; // the shown lesson's positions are rotary: RoPE has a legend entry
    QCPGraph* m_totalUncached = nullptr;
    QCPGraph* m_totalCached = nullptr;
    QCPGraph* m_kvBytes = nullptr;
    QCPGraph* m_stepUncached = nullptr;
    QCPGraph* m_stepCached = nullptr;
    QCPItemRect* m_cursorTop = nullptr;
    QCPItemRect* m_cursorBottom = nullptr;
    const Lesson* m_shown = nullptr;
    QString m_themeName;
};

} // namespace kvlab
