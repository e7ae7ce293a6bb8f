#pragma once

#include "CliOptions.h"
#include "DecodeMode.h"
#include "Frame.h"
#include "LessonFactory.h"

#include <QMainWindow>
#include <QTimer>

class QComboBox;
class QDockWidget;
class QLabel;
class QSpinBox;
class QSplitter;

namespace kvlab {

class ChartsPanel;
class DiagramWidget;
class PlaybackBar;
class PlaybackController;
class PromptEdit;
class SamplingPanel;

// The walk-through window: token strip, the two panes, legend and narration,
// wired to one PlaybackController. It owns no drawing and no model code.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(const CliOptions& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    PlaybackController* controller() const { return m_controller; }
    DiagramWidget* pane(kv::DecodeMode mode) const;
    DiagramWidget* tokenStrip() const { return m_strip; }
    PromptEdit* promptEdit() const { return m_prompt; }
    QLabel* narration() const { return m_narration; }
    QLabel* banner() const { return m_banner; }
    QLabel* promptError() const { return m_promptError; }
    ChartsPanel* charts() const { return m_charts; }
    const LessonFactory& lessons() const { return m_lessons; }

    bool runPrompt(const QString& prompt); // false, with a message, when refused
    bool openModel(const QString& directory);
    void demonstrate(Lesson::Kind kind);
    void setThemeName(const QString& name);
    void setPresentation(bool on);
    bool presenting() const { return m_presenting; }

protected:
    void closeEvent(QCloseEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildCentral();
    void buildControls();
    void buildMenus();
    void buildDocks();
    void setLesson(std::shared_ptr<const Lesson> lesson);
    void showFrame(const Frame& frame);
    void refreshPickers();
    void fillModelPicker();
    void reportError(const QString& message);
    kv::GenerationSettings generationSettings() const;
    void restoreSettings();
    void saveSettings() const;
    void applyTheme();

    LessonFactory m_lessons;
    PlaybackController* m_controller;
    PlaybackBar* m_playbackBar = nullptr;
    QToolBar* m_modelBar = nullptr;
    DiagramWidget* m_strip = nullptr;
    DiagramWidget* m_uncachedPane = nullptr;
    DiagramWidget* m_cachedPane = nullptr;
    DiagramWidget* m_legend = nullptr;
    QSplitter* m_panes = nullptr;
    QLabel* m_banner = nullptr;
    QLabel* m_stepTitle = nullptr;
    QLabel* m_narration = nullptr;
    QLabel* m_promptError = nullptr;
    PromptEdit* m_prompt = nullptr;
    QComboBox* m_modelPicker = nullptr;
    QSpinBox* m_layer = nullptr;
    QSpinBox* m_head = nullptr;
    QLabel* m_headSharing = nullptr;
    SamplingPanel* m_sampling = nullptr;
    QDockWidget* m_samplingDock = nullptr;
    ChartsPanel* m_charts = nullptr;
    QDockWidget* m_chartsDock = nullptr;
    QString m_themeName = QStringLiteral("light");
    QString m_lastPrompt;
    bool m_presenting = false;
    QTimer m_hideControls;
};

} // namespace kvlab
