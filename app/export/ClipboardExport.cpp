#include "app/export/ClipboardExport.h"

#include "app/export/ExportSettings.h"
#include "views/diagrams/PageDiagram.h"
#include "app/export/PageRenderer.h"

#include <QBuffer>
#include <QClipboard>
#include <QGuiApplication>

namespace kvlab {

std::unique_ptr<QMimeData> frameMimeData(const Frame& frame, ExportView view)
{
    const ExportSettings page; // a 16:9 slide
    Frame shown = frame;
    shown.theme = Theme::byName(frame.theme.name); // presentation mode's large type is for the room
    const PageRenderer renderer(PageDiagram::Options{view, false, false}, page.pageSize(), page.pageDpi());
    auto data = std::make_unique<QMimeData>();
    data->setImageData(renderer.image(shown, 1.0));
    QBuffer svg;
    svg.open(QIODevice::WriteOnly);
    if (renderer.writeSvg(svg, shown, PageDiagram::captionTitle(shown)))
        data->setData(QStringLiteral("image/svg+xml"), svg.data());
    return data;
}

void copyFrameToClipboard(const Frame& frame, ExportView view)
{
    QGuiApplication::clipboard()->setMimeData(frameMimeData(frame, view).release());
}

} // namespace kvlab
