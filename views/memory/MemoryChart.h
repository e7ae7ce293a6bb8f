#pragma once

#include "views/memory/MemorySeries.h"
#include "views/style/Theme.h"

#include <QWidget>

#include <optional>
#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QLineF;
class QCPTextElement;

namespace kvlab {

// KV cache bytes against context or batch: a few curves, a marker at the
// chosen value and, with a GPU, a horizontal line at the memory the weights
// leave for the cache (or, when the weights alone overflow the card, a
// message instead). The axis reads in B, kB, MB, GB (10^9 B, the unit of the
// GPUs' names) or TB, whichever suits the largest value.
class MemoryChart : public QWidget {
    Q_OBJECT

public:
    MemoryChart(const QString& title, const QString& xLabel, QWidget* parent = nullptr);

    // Replots once. `budgetBytes`: the bytes left beside the weights (negative
    // when the weights alone do not fit), none without a GPU.
    void show(const std::vector<MemorySeries>& curves, double markerX, const QString& markerLabel,
              std::optional<double> budgetBytes, const QString& budgetLabel);
    void setTitle(const QString& title);
    void setTheme(const Theme& theme);

    QCustomPlot* plot() const { return m_plot; }
    int curveCount() const { return static_cast<int>(m_curves.size()); }
    QCPGraph* curve(int index) const { return m_curves.at(static_cast<std::size_t>(index)); }
    // Bytes per unit of the value axis (1e9 when it reads in GB).
    double unitBytes() const { return m_unit; }
    bool budgetShown() const;   // the line, drawn when the weights leave room
    double budgetValue() const; // the line's height, in the axis's unit
    QString budgetText() const; // the line's label or the overflow message
    QString markerText() const;
    // Where the last replot drew them, in the plot's pixels: the labels' boxes
    // (padding included) and the budget line across the axis rect.
    QRectF markerLabelRect() const;
    QRectF budgetLabelRect() const;
    QLineF budgetLinePixels() const;

private:
    void styleCurves();
    void placeMarkerLabel();
    bool markerLabelIsClear(bool ofCurves) const;

    QCustomPlot* m_plot;
    QCPTextElement* m_title;
    std::vector<QCPGraph*> m_curves;
    QCPItemStraightLine* m_budget;
    QCPItemText* m_budgetLabel;
    QCPItemStraightLine* m_marker;
    QCPItemText* m_markerLabel;
    Theme m_theme = Theme::light();
    double m_unit = 1.0;
    bool m_markerOnRight = false; // the label reads leftwards from the marker
};

} // namespace kvlab
