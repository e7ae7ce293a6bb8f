#pragma once

#include <QFont>
#include <QString>

namespace kvlab {

// A font of the default family at a pixel size (diagrams scale in pixels, so
// the same page reads the same on screen, in PNG, SVG and PDF).
QFont pixelFont(double pixels, bool bold = false);

// The in-cell numbers' font: the default family semi-condensed (DejaVu Sans
// Condensed, fonts-dejavu-extra), so that "-1.46" fits a narrower cell; the
// regular face where no condensed one is installed. Measure with this font.
QFont numberFont(double pixels);

// 12 -> "₁₂"
QString subscript(int number);

} // namespace kvlab
