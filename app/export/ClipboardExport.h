#pragma once

#include "views/diagrams/ExportView.h"
#include "views/playback/Frame.h"

#include <QMimeData>

#include <memory>

namespace kvlab {

// Ctrl+C: the frame as shown (its screen theme, no caption) as a 1920×1080
// page, both as an image and as SVG ("image/svg+xml"), so it pastes into
// slide software as a picture or as editable vectors. Uses PageDiagram, like
// every export.
std::unique_ptr<QMimeData> frameMimeData(const Frame& frame, ExportView view = ExportView::Both);
void copyFrameToClipboard(const Frame& frame, ExportView view = ExportView::Both);

} // namespace kvlab
