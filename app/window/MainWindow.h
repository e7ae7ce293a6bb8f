#pragma once

#include "app/cli/CliOptions.h"
#include "core/decode/DecodeMode.h"
#include "views/playback/Frame.h"
#include "app/window/LessonFactory.h"
#include "app/window/ModelLoad.h"

#include <QMainWindow>
#include <QTimer>

#include <functional>
#include <optional>

class QDockWidget;
class QKeyEvent;
class QLabel;
class QMenu;
class QSplitter;

namespace kvlab {

class AnalysisDocks;
class BlackScreen;
class GlossaryDialog;
class TourOverlay;
class WordListDialog;
class DiagramWidget;
class Generation;
class GenerationBar;
class ModelBar;
class ModelLoadBar;
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
    // Both panes zoom together from the View menu (+, −, 0), so they stay comparable.
    void zoomPanes(double factor);
    // Help ▸ Keyboard Shortcuts: every action's keys, one line each.
    QString shortcutList() const;
    void resetPaneZoom();
    DiagramWidget* tokenStrip() const { return m_strip; }
    PromptEdit* promptEdit() const;
    QLabel* narration() const { return m_narration; }
    QLabel* banner() const { return m_banner; }
    QLabel* promptError() const;
    AnalysisDocks* docks() const { return m_docks; }
    QLabel* claimVerdict() const { return m_claimVerdict; }
    const LessonFactory& lessons() const { return m_lessons; }

    bool runPrompt(const QString& prompt); // false, with a message, when refused
    bool openModel(const QString& directory);
    // The Model picker and File ▸ Open Model…: the model loads on a thread of
    // its own (ModelLoad) while the window stays as it is, then its lesson
    // replaces the current one. Cancel, Esc or a failure (a dialog says why)
    // keep the current model, walk-through, step and prompt. Opening another
    // model meanwhile cancels this one. modelLoadEnded() follows, unless
    // another model is asked for first.
    void openModelFolder(const QString& path, const QString& tokenizerPath = {});
    bool loadingModel() const { return m_modelLoad != nullptr; }
    ModelLoad* modelLoad() const { return m_modelLoad; } // the one loading; null when none
    ModelLoadBar* modelLoadBar() const { return m_modelLoadBar; }
    void cancelModelLoad();
    // What loads a model on ModelLoad's thread: kv::ModelBundle::load, or a test's stand-in.
    void setModelLoader(ModelLoad::Loader loader) { m_modelLoader = std::move(loader); }
    // Why the model given with --model could not be opened; empty when it was
    // (a large one loads on a thread: then startupFailed() says it later).
    const QString& startupError() const { return m_startupError; }
    // Goes to `step` and `phase` (1..7); a step past the end opens at the last
    // step and returns the note saying so (also in the status bar).
    QString openAt(int step, int phase);
    // openAt() once `step` is there: at once if it is, else when a generation
    // running in the background reaches it or ends. Then `opened` hears the note.
    void openWhenReady(int step, int phase, std::function<void(const QString& note)> opened);
    void demonstrate(Lesson::Kind kind);
    void setThemeName(const QString& name);
    const QString& themeName() const { return m_themeName; }
    void showPanes(bool uncached, bool cached);
    void setPanesStacked(bool stacked);
    bool panesStacked() const;
    // One of the View menu's arrangements at once (--layout).
    void setPaneLayout(CliOptions::PaneLayout layout);
    QAction* samplingToggle() const;
    // --docks: opens the docks named in CliOptions::kDockNames, as the View menu does.
    void openDocks(const QStringList& names);
    void setPresentation(bool on);
    bool presenting() const { return m_presenting; }
    bool controlsShown() const { return m_controlsShown; } // in presentation, the toolbars fade out
    BlackScreen* blackScreen() const { return m_blackScreen; }
    TourOverlay* tour() const { return m_tour; }
    GlossaryDialog* glossary() const { return m_glossary; }
    WordListDialog* wordList() const { return m_wordList; } // null until first opened
    QLabel* wordListOffer() const { return m_wordListOffer; }
    // Help ▸ Words the Models Know, saying which word was refused (empty: none).
    void showWordList(const QString& refusedWord);

    // A walk-through too large to generate at once is generated on a thread
    // while the window shows the steps so far (LessonFactory::generatesInBackground).
    bool generating() const;
    Generation* generation() const { return m_generation; } // the one running or last cancelled; may be null
    GenerationBar* generationBar() const { return m_generationBar; }
    // Cancel or Esc: the walk-through keeps the steps generated so far and ends there, as the bar says.
    void cancelGeneration();
    // Is `step` there to show: no model is loading, and the step is generated
    // already or no generation is running?
    bool stepReady(int step) const;

    // The load bar appears at once for a checkpoint this large, else only once
    // a load has run for kLoadBarDelayMs (a BF16 model, a slow disk): the tiny
    // models open without a flash of it. See MainWindow.cpp for the figures.
    static constexpr std::uint64_t kLoadBarAtOnceBytes = 1'000'000'000;
    static constexpr int kLoadBarDelayMs = 300;
    // At start-up, a checkpoint under this size is loaded before the window
    // shows, so that it opens on its walk-through; a larger one loads on a
    // thread while the window shows the load bar.
    static constexpr std::uint64_t kStartupLoadAtOnceBytes = 32'000'000;

signals:
    // The panes shown and their orientation changed (the View menu follows).
    void panesArranged(bool uncached, bool cached, bool stacked);
    // A generation's step arrived, or it ended or was cancelled; or a model load ended.
    void walkThroughGrew();
    // A model load ended: loaded (its walk-through started), failed (said so) or cancelled.
    void modelLoadEnded();
    // The model given with --model, loaded on a thread, could not be opened.
    void startupFailed(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildCentral();
    void buildControls();
    void buildMenus();
    void buildDocks();
    void buildHelp(QMenu* help);
    void offerWordList(const QString& word);
    void addShortcutsToWindow();
    QString loadModel(const QString& directory, const QString& tokenizerPath = {}); // the error, or empty
    void showModelOpened(const QString& directory); // the factory holds the new model: the bars follow
    // The load that starts the window: --model, or the model saved from last time.
    enum class StartupLoad { None, Asked, Saved };
    void openStartupModel(const CliOptions& options);
    void startFirstWalkThrough();
    void startModelLoad(const QString& path, const QString& tokenizerPath, StartupLoad startup);
    void modelLoaded();
    void modelLoadFailed(const QString& message);
    void endModelLoad(); // the load is over or cancelled: the bar goes, the load is retired
    void showModelError(const QString& path, const QString& message);
    bool startLesson(const QString& prompt);
    void clearError();
    void setControlsShown(bool shown);
    // Presenting, the toolbars float over the top of the canvas instead of keeping a band.
    void floatToolBars(bool floating);
    void placeFloatingToolBars();
    void returnFocusToPlayback();
    bool filterKey(QObject* watched, QKeyEvent* event);
    void setLesson(std::shared_ptr<const Lesson> lesson);
    void startGeneration(Generation* generation);
    void stopGeneration(); // before another walk-through replaces the one being generated
    void generationProgressed(int done, int planned);
    void generationFinished();
    void showGrownLesson();
    void showFrame(const Frame& frame);
    void reportError(const QString& message);
    kv::GenerationSettings generationSettings() const;
    void restoreSettings();
    void saveSettings() const;
    void applyTheme();

    LessonFactory m_lessons;
    PlaybackController* m_controller;
    PlaybackBar* m_playbackBar = nullptr;
    ModelBar* m_modelBar = nullptr;
    DiagramWidget* m_strip = nullptr;
    DiagramWidget* m_uncachedPane = nullptr;
    DiagramWidget* m_cachedPane = nullptr;
    DiagramWidget* m_legend = nullptr;
    QSplitter* m_panes = nullptr;
    QLabel* m_banner = nullptr;
    QLabel* m_stepTitle = nullptr;
    QLabel* m_narration = nullptr;
    SamplingPanel* m_sampling = nullptr;
    int m_maxNewTokens = 0;
    QDockWidget* m_samplingDock = nullptr;
    AnalysisDocks* m_docks = nullptr;
    QLabel* m_claimVerdict = nullptr;
    QLabel* m_promptError = nullptr;
    BlackScreen* m_blackScreen = nullptr;
    TourOverlay* m_tour = nullptr;
    GlossaryDialog* m_glossary = nullptr;
    WordListDialog* m_wordList = nullptr;
    QLabel* m_wordListOffer = nullptr;
    QString m_shownError;   // the error the status bar shows, until a good prompt clears it
    QString m_startupError;
    QString m_themeName = QStringLiteral("light");
    QString m_lastPrompt;
    bool m_presenting = false;
    bool m_controlsShown = true;
    QSize m_requestedSize; // --size: this size instead of the saved geometry, and in presentation
    QRect m_geometryBeforePresentation;
    QByteArray m_savedGeometryBeforePresentation; // for the settings, should the window close while presenting
    bool m_maximizedBeforePresentation = false;
    QByteArray m_stateBeforePresentation; // the docks and toolbars as the user had them
    QTimer m_hideControls;
    Generation* m_generation = nullptr;
    GenerationBar* m_generationBar = nullptr;
    QTimer m_growth; // the steps a generation added reach the views a few times a second, not at every step
    ModelLoad::Loader m_modelLoader = &kv::ModelBundle::load;
    ModelLoad* m_modelLoad = nullptr;
    ModelLoadBar* m_modelLoadBar = nullptr;
    QTimer m_revealLoad; // shows the load bar once a load has run kLoadBarDelayMs
    StartupLoad m_startupLoad = StartupLoad::None; // what the load running is for
    std::optional<QString> m_startupPrompt;        // --prompt, when given
};

} // namespace kvlab
