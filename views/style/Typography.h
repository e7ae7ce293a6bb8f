#pragma once

#include <QFont>
#include <QString>

namespace kvlab {

// A font of the default family at a pixel size (diagrams scale in pixels, so
// the same page reads the same on screen, in PNG, SVG and PDF).
QFont pixelFont(double pixels, bool bold = false);

// 12 -> "₁₂"
QString subscript(int number);

} // namespace kvlab
