#pragma once

#include "app/export/ExportSettings.h"
#include "app/export/FrameSequence.h"
#include "app/export/PageRenderer.h"

#include <QCoreApplication>
#include <QStringList>

#include <functional>
#include <vector>

namespace kvlab {

class StagedFiles;

// Carries out one export: PNG or SVG files one per page, one multi-page PDF,
// or the animation's numbered PNG frames, all painted by PageDiagram.
// Never replaces a file unless settings.force; writes through StagedFiles so
// that a failure or a cancel leaves the folder as it was.
class ExportJob {
    Q_DECLARE_TR_FUNCTIONS(ExportJob)

public:
    // Called with (0, total) first and after each page; return false to cancel.
    using Progress = std::function<bool(int done, int total)>;

    struct Result {
        enum class Status { Written, Cancelled, Failed };
        Status status = Status::Failed;
        QString error;
        QStringList files; // absolute paths of what was written
        bool ok() const { return status == Status::Written; }
    };

    // `current`: the frame on screen (lesson, step, phase, layer, head, selection, screen theme).
    ExportJob(ExportSettings settings, const Frame& current);

    // Why these settings cannot run (a step outside the walk-through...); empty when they can.
    QString problem() const;
    const ExportSettings& settings() const { return m_settings; }
    int pageCount() const { return static_cast<int>(m_pages.size()); }
    QStringList fileNames() const;     // the files it writes, in order
    QStringList existingFiles() const; // of those, the ones already in the folder
    // A multi-page PDF is walkthrough.pdf; one page is named like a PNG would be.
    static QString pdfFileName(const std::vector<FrameSequence::Page>& pages);

    Result run(const Progress& progress = {}) const;

private:
    bool writeFiles(StagedFiles& staged, const Progress& progress, Result& result) const;
    bool writePdf(StagedFiles& staged, const Progress& progress, Result& result) const;
    bool writePage(QIODevice& device, const FrameSequence::Page& page) const;
    bool reportProgress(const Progress& progress, int done, Result& result) const;
    Result refuse(const QString& error) const;

    ExportSettings m_settings;
    Frame m_current;
    std::vector<FrameSequence::Page> m_pages;
    PageRenderer m_renderer;
};

} // namespace kvlab
