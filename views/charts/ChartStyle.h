#pragma once

#include "views/style/Theme.h"

class QCustomPlot;
class QCPAxis;
class QCPAxisRect;

namespace kvlab {

// Gives a QCustomPlot the theme's colours and a type size readable when projected.
void styleChart(QCustomPlot& plot, const Theme& theme);
void styleAxisRect(QCPAxisRect& rect, const Theme& theme);

// A base-10 logarithmic axis with a tick at each power of ten.
void useLogScale(QCPAxis& axis);

// Colours of the five cost phases, the same in every chart.
QColor phaseColor(int phase);

} // namespace kvlab
