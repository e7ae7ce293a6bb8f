#include "app/export/ExportJob.h"

#include "app/export/StagedFiles.h"

#include <QDir>
#include <QFileInfo>
#include <QPainter>
#include <QPdfWriter>

#include <cmath>

namespace kvlab {

namespace {

constexpr int kMaxFps = 60;
constexpr double kMinPngScale = 0.25;
constexpr double kMaxPngScale = 8;
constexpr int kMaxImageSide = 32000;

// Print: the light, colour-blind-safe print theme. Screen: the colours on
// screen at their normal type size (presentation mode's large type is for the room).
Frame themed(const Frame& current, ExportSettings::ThemeChoice choice)
{
    Frame frame = current;
    frame.theme = choice == ExportSettings::ThemeChoice::Print ? Theme::print() : Theme::byName(current.theme.name);
    return frame;
}

PageDiagram::Options pageOptions(const ExportSettings& settings)
{
    const bool png = settings.effectiveFormat() == ExportSettings::Format::Png;
    return {settings.view, settings.caption, settings.transparent && png, settings.strip, settings.legend};
}

QString stepRangeProblem(const ExportSettings& settings, const Frame& current)
{
    const int count = current.lesson->stepCount();
    const auto [first, last] = FrameSequence::stepRange(settings, current);
    if (first >= 0 && last < count && first <= last)
        return {};
    const QString asked = first == last ? ExportJob::tr("step %1").arg(first) : ExportJob::tr("steps %1–%2").arg(first).arg(last);
    return ExportJob::tr("asked for %1, but the walk-through has steps 0–%2").arg(asked).arg(count - 1);
}

QString settingsProblem(const ExportSettings& settings, const Frame& current)
{
    if (settings.directory.isEmpty())
        return ExportJob::tr("no folder to export to");
    if (settings.animation && (settings.fps < 1 || settings.fps > kMaxFps))
        return ExportJob::tr("the frame rate must be 1 to %1 frames per second, not %2").arg(kMaxFps).arg(settings.fps);
    const QSize page = settings.pageSize();
    if (page.isEmpty())
        return ExportJob::tr("the page size %1×%2 is empty").arg(page.width()).arg(page.height());
    const double scale = settings.pngScale;
    if (!(scale >= kMinPngScale && scale <= kMaxPngScale) || std::max(page.width(), page.height()) * scale > kMaxImageSide)
        return ExportJob::tr("the PNG scale must be %1 to %2 and keep the image under %3 pixels a side")
            .arg(kMinPngScale).arg(kMaxPngScale).arg(kMaxImageSide);
    const kv::ModelConfig& config = current.lesson->config();
    if (current.layer < 0 || current.layer >= config.nLayer || current.head < 0 || current.head >= config.nHead)
        return ExportJob::tr("layer %1, head %2 is not in the model, which has %3 layers of %4 heads")
            .arg(current.layer).arg(current.head).arg(config.nLayer).arg(config.nHead);
    return stepRangeProblem(settings, current);
}

} // namespace

ExportJob::ExportJob(ExportSettings settings, const Frame& current)
    : m_settings(std::move(settings))
    , m_current(themed(current, m_settings.theme))
    , m_renderer(pageOptions(m_settings), m_settings.pageSize(), m_settings.pageDpi())
{
    if (problem().isEmpty())
        m_pages = FrameSequence::pages(m_settings, m_current);
}

QString ExportJob::problem() const
{
    if (!m_current.lesson || m_current.lesson->stepCount() == 0)
        return tr("there is no walk-through to export");
    return settingsProblem(m_settings, m_current);
}

QString ExportJob::pdfFileName(const std::vector<FrameSequence::Page>& pages)
{
    return pages.size() == 1 ? pages.front().baseName + QStringLiteral(".pdf") : QStringLiteral("walkthrough.pdf");
}

QStringList ExportJob::fileNames() const
{
    const ExportSettings::Format format = m_settings.effectiveFormat();
    if (format == ExportSettings::Format::Pdf)
        return m_pages.empty() ? QStringList() : QStringList{pdfFileName(m_pages)};
    QStringList names;
    for (const FrameSequence::Page& page : m_pages)
        names << page.baseName + QLatin1Char('.') + ExportSettings::formatId(format);
    return names;
}

QStringList ExportJob::existingFiles() const
{
    const QDir directory(m_settings.directory);
    QStringList existing;
    for (const QString& name : fileNames())
        if (QFileInfo::exists(directory.filePath(name)))
            existing << name;
    return existing;
}

ExportJob::Result ExportJob::refuse(const QString& error) const
{
    Result result;
    result.error = error;
    return result;
}

ExportJob::Result ExportJob::run(const Progress& progress) const
{
    if (const QString why = problem(); !why.isEmpty())
        return refuse(why);
    const QString folder = QDir::toNativeSeparators(m_settings.directory);
    const QStringList existing = m_settings.force ? QStringList() : existingFiles();
    if (!existing.isEmpty())
        return refuse(existing.size() == 1
                          ? tr("%1 already holds %2; nothing was written").arg(folder, existing.first())
                          : tr("%1 already holds %2 and %3 more files of this export; nothing was written")
                                .arg(folder, existing.first())
                                .arg(existing.size() - 1));
    const bool created = !QFileInfo(m_settings.directory).isDir();
    if (created && !QDir().mkpath(m_settings.directory))
        return refuse(tr("cannot create the folder %1").arg(folder));
    Result result;
    {
        StagedFiles staged(m_settings.directory);
        const bool pdf = m_settings.effectiveFormat() == ExportSettings::Format::Pdf;
        const bool written = pdf ? writePdf(staged, progress, result) : writeFiles(staged, progress, result);
        if (written && staged.commit())
            result.status = Result::Status::Written;
        else if (written)
            result.error = staged.error();
        result.files = staged.committed();
    } // uncommitted temporaries are gone here
    if (created && !result.ok())
        QDir().rmdir(m_settings.directory);
    return result;
}

bool ExportJob::reportProgress(const Progress& progress, int done, Result& result) const
{
    if (!progress || progress(done, pageCount()))
        return true;
    result.status = Result::Status::Cancelled;
    result.error = tr("cancelled; nothing was written");
    return false;
}

bool ExportJob::writePage(QIODevice& device, const FrameSequence::Page& page) const
{
    if (m_settings.effectiveFormat() == ExportSettings::Format::Svg)
        return m_renderer.writeSvg(device, page.frame, PageDiagram::captionTitle(page.frame));
    return m_renderer.image(page.frame, m_settings.pngScale).save(&device, "PNG");
}

bool ExportJob::writeFiles(StagedFiles& staged, const Progress& progress, Result& result) const
{
    const QStringList names = fileNames();
    if (!reportProgress(progress, 0, result))
        return false;
    for (int i = 0; i < pageCount(); ++i) {
        std::unique_ptr<QTemporaryFile> file = staged.create(names[i]);
        if (!file) {
            result.error = staged.error();
            return false;
        }
        if (!writePage(*file, m_pages[static_cast<std::size_t>(i)])) {
            result.error = tr("could not write %1: %2").arg(staged.pathOf(names[i]), file->errorString());
            return false;
        }
        if (!staged.finish(std::move(file), names[i])) {
            result.error = staged.error();
            return false;
        }
        if (!reportProgress(progress, i + 1, result))
            return false;
    }
    return true;
}

bool ExportJob::writePdf(StagedFiles& staged, const Progress& progress, Result& result) const
{
    const QString name = pdfFileName(m_pages);
    std::unique_ptr<QTemporaryFile> file = staged.create(name);
    if (!file) {
        result.error = staged.error();
        return false;
    }
    {
        QPdfWriter writer(file.get());
        writer.setPageLayout(m_settings.pdfPageLayout());
        // One device pixel per page unit, as on screen: hatch patterns keep their spacing.
        writer.setResolution(static_cast<int>(std::lround(m_settings.pageDpi())));
        writer.setCreator(QStringLiteral("KV Cache Lab"));
        writer.setTitle(tr("KV Cache Lab: the KV cache, step by step (%1)").arg(m_current.lesson->modelName));
        QPainter painter;
        if (!painter.begin(&writer)) {
            result.error = tr("could not start the PDF %1").arg(staged.pathOf(name));
            return false;
        }
        if (!reportProgress(progress, 0, result))
            return false;
        for (int i = 0; i < pageCount(); ++i) {
            if (i > 0)
                writer.newPage();
            m_renderer.paint(painter, QRectF(0, 0, writer.width(), writer.height()), m_pages[static_cast<std::size_t>(i)].frame);
            if (!reportProgress(progress, i + 1, result))
                return false;
        }
        painter.end();
    }
    if (!staged.finish(std::move(file), name)) {
        result.error = staged.error();
        return false;
    }
    return true;
}

} // namespace kvlab
