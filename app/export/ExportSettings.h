#pragma once

#include "views/diagrams/ExportView.h"

#include <QPageLayout>
#include <QSize>
#include <QString>

#include <optional>

namespace kvlab {

// Everything one export is asked to do, whether from the dialog or from
// `kvcache-lab --export`. Plain data; ExportJob carries it out.
struct ExportSettings {
    enum class Format { Png, Svg, Pdf };
    enum class Steps { Current, Range, All }; // Current: the frame as shown (dialog only)
    enum class Size { Wide, Classic, A4Landscape, Custom };
    enum class ThemeChoice { Print, Screen };

    QString directory;
    ExportView view = ExportView::Both;
    Steps steps = Steps::All;
    int firstStep = 0; // Range, inclusive; step 0 is the prefill
    int lastStep = 0;
    bool perPhase = false; // one page per phase (step-NN-pP) instead of one per step (step-NN, its last phase)
    Format format = Format::Png;
    double pngScale = 1.0;    // PNG pixels per page unit (2: a 1920x1080 page is 3840x2160 at 192 dpi)
    bool transparent = false; // PNG only
    Size size = Size::Wide;
    QSize customSize{1920, 1080};
    ThemeChoice theme = ThemeChoice::Print;
    bool caption = true;
    bool strip = true;  // the token strip on every page that does not show it already
    bool legend = true; // the key to cell states and values on every page with matrices or the strip
    bool force = false;     // replace files that already exist
    bool animation = false; // numbered PNG frames (frame-00001.png ...) of every phase's animation
    int fps = 12;

    QSize pageSize() const; // in page units: 1920x1080, 1024x768, 1754x1240 (A4 at 150 dpi) or custom
    double pageDpi() const; // page units per inch: 96, 150 for A4
    QPageLayout pdfPageLayout() const; // no margins: the page paints its own
    Format effectiveFormat() const { return animation ? Format::Png : format; }

    static QString formatId(Format format); // "png", also the file extension
    static std::optional<Format> formatFromId(const QString& id);
    static QString sizeLabel(Size size);
    static QSize presetSize(Size size);
    // "1920x1080", "1024x768", "a4" or any WxH from 160x120 to 10000x10000.
    static std::optional<std::pair<Size, QSize>> sizeFromText(const QString& text);
};

} // namespace kvlab
