#pragma once

#include "app/export/ExportJob.h"
#include "app/export/ExportSettings.h"
#include "views/playback/Frame.h"

#include <QDialog>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace kvlab {

// File ▸ Export…: what (a view), which steps (the current frame, a range or
// all; per step or per phase; or the animation), format (PNG with scale and
// transparency, SVG, PDF), page size, theme, caption and folder. Export asks
// before replacing files, shows progress with Cancel for several pages, and
// stays open with the reason when the export fails. Remembers its choices.
//
// From the window: ExportDialog dialog(controller->frame(), this); dialog.exec();
class ExportDialog : public QDialog {
    Q_OBJECT

public:
    explicit ExportDialog(const Frame& current, QWidget* parent = nullptr);

    ExportSettings settings() const;
    void setSettings(const ExportSettings& settings);
    const ExportJob::Result& lastResult() const { return m_result; }
    QString summary() const; // what Export would write, or why it cannot

    // Runs `job`, with a progress dialog and Cancel when it has several pages.
    static ExportJob::Result runWithProgress(const ExportJob& job, QWidget* parent);
    // What the window says when an export has finished: how many files, and the folder they went to.
    static QString doneMessage(const ExportJob::Result& result);

public slots:
    void accept() override;

private:
    void buildForm();
    QWidget* buildStepsRow();
    QWidget* buildFormatRow();
    QWidget* buildFolderRow();
    void connectUpdates();
    void refresh();
    static QString summaryOf(const ExportJob& job);
    bool confirmOverwrite(const QStringList& existing, const QString& folder);
    void restore();
    void save() const;

    Frame m_current;
    ExportJob::Result m_result;
    QComboBox* m_view = nullptr;
    QButtonGroup* m_steps = nullptr;
    QSpinBox* m_firstStep = nullptr;
    QSpinBox* m_lastStep = nullptr;
    QCheckBox* m_perPhase = nullptr;
    QCheckBox* m_animation = nullptr;
    QSpinBox* m_fps = nullptr;
    QComboBox* m_format = nullptr;
    QComboBox* m_scale = nullptr;
    QCheckBox* m_transparent = nullptr;
    QComboBox* m_size = nullptr;
    QComboBox* m_theme = nullptr;
    QCheckBox* m_caption = nullptr;
    QCheckBox* m_strip = nullptr;
    QCheckBox* m_legend = nullptr;
    QLineEdit* m_directory = nullptr;
    QLabel* m_summary = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace kvlab
