#pragma once

#include "Theme.h"

class QCustomPlot;
class QCPAxisRect;

namespace kvlab {

// Gives a QCustomPlot the theme's colours and a type size readable when projected.
void styleChart(QCustomPlot& plot, const Theme& theme);
void styleAxisRect(QCPAxisRect& rect, const Theme& theme);

// Colours of the five cost phases, the same in every chart.
QColor phaseColor(int phase);

} // namespace kvlab
