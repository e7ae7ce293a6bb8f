#include "app/window/MainWindow.h"

#include "app/window/AssetLocator.h"
#include "views/diagrams/AttentionDiagram.h"
#include "app/window/AnalysisDocks.h"
#include "app/window/BlackScreen.h"
#include "views/charts/ChartsPanel.h"
#include "app/window/ClaimsMenu.h"
#include "app/export/ClipboardExport.h"
#include "views/diagrams/DiagramWidget.h"
#include "app/export/ExportDialog.h"
#include "app/window/Generation.h"
#include "app/window/GenerationBar.h"
#include "views/style/Glossary.h"
#include "app/window/GlossaryDialog.h"
#include "core/util/KvError.h"
#include "views/diagrams/LegendDiagram.h"
#include "app/window/ModelBar.h"
#include "app/window/ModelLoadBar.h"
#include "views/playback/Narrator.h"
#include "app/window/PlaybackBar.h"
#include "views/playback/PlaybackController.h"
#include "views/playback/PromptEdit.h"
#include "views/playback/SamplingPanel.h"
#include "views/diagrams/TokenStripDiagram.h"
#include "app/window/TourOverlay.h"
#include "core/tokenizer/UnknownWordError.h"
#include "app/window/ViewMenu.h"
#include "views/style/WheelGuard.h"
#include "app/window/WordListDialog.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QGraphicsOpacityEffect>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QUrl>
#include <QScreen>
#include <QSet>
#include <QStatusBar>
#include <QVBoxLayout>

namespace kvlab {

namespace {

const QString kSecondPrompt = QStringLiteral("the cat");

} // namespace

MainWindow::MainWindow(const CliOptions& options, QWidget* parent)
    : QMainWindow(parent)
    , m_controller(new PlaybackController(this))
    , m_maxNewTokens(options.maxNewTokens)
    , m_requestedSize(options.windowSize)
{
    setWindowTitle(tr("KV Cache Lab"));
    buildCentral();
    buildControls();
    buildDocks();
    m_blackScreen = new BlackScreen(this);
    buildMenus();
    if (options.screenshotPath.isEmpty())
        QTimer::singleShot(0, m_tour, &TourOverlay::startIfFirstRun);
    addShortcutsToWindow();
    new WheelGuard(this);
    connect(m_controller, &PlaybackController::frameChanged, this, &MainWindow::showFrame);
    m_growth.setSingleShot(true);
    m_growth.setInterval(300);
    connect(&m_growth, &QTimer::timeout, this, &MainWindow::showGrownLesson);
    m_revealLoad.setSingleShot(true);
    m_revealLoad.setInterval(kLoadBarDelayMs);
    connect(&m_revealLoad, &QTimer::timeout, m_modelLoadBar, &QWidget::show);
    m_hideControls.setSingleShot(true);
    m_hideControls.setInterval(2500);
    connect(&m_hideControls, &QTimer::timeout, this, [this] {
        if (m_presenting)
            setControlsShown(false);
    });
    qApp->installEventFilter(this);

    restoreSettings();
    if (options.paneLayout)
        setPaneLayout(*options.paneLayout);
    openDocks(options.docks);
    m_sampling->setSettings(options.sampling);
    if (options.promptGiven)
        m_startupPrompt = options.prompt;
    openStartupModel(options);
}

MainWindow::~MainWindow()
{
    qApp->removeEventFilter(this);
    delete m_modelLoad;  // cancels, and waits for the loader's next report; retired loads are children and wait too
    delete m_generation; // waits for the step in progress; retired generations are children and wait too
}

// The tiny shipped models are under a megabyte and load in milliseconds: they
// are loaded before the window shows, which opens on their walk-through. A
// checkpoint over kStartupLoadAtOnceBytes (32 MB: some 20 ms as F32, a quarter
// of a second to widen from BF16, at the rates measured below) loads on a
// thread, the window showing the load bar meanwhile.
void MainWindow::openStartupModel(const CliOptions& options)
{
    if (!options.modelDir.isEmpty()) {
        if (ModelLoad::bytesOnDiskOf(options.modelDir) > kStartupLoadAtOnceBytes) {
            startModelLoad(options.modelDir, options.tokenizerPath, StartupLoad::Asked);
            return;
        }
        // A model asked for by name is that model or an error, never silently another.
        m_startupError = loadModel(options.modelDir, options.tokenizerPath);
        if (m_startupError.isEmpty())
            startFirstWalkThrough();
        return;
    }
    const QString saved = QSettings().value(QStringLiteral("model"), AssetLocator::defaultModelDir()).toString();
    if (ModelLoad::bytesOnDiskOf(saved) > kStartupLoadAtOnceBytes) {
        startModelLoad(saved, {}, StartupLoad::Saved);
        return;
    }
    if (!openModel(saved) && saved != AssetLocator::defaultModelDir())
        openModel(AssetLocator::defaultModelDir());
    startFirstWalkThrough();
}

void MainWindow::startFirstWalkThrough()
{
    const QString fallback = m_lessons.hasModel() ? CliOptions::defaultPrompt(*m_lessons.bundle().tokenizer)
                                                  : CliOptions().prompt;
    const QString prompt = m_startupPrompt.value_or(fallback);
    if (!runPrompt(prompt)) {
        // Keep the words to fix, marked, with the message; show the default walk-through meanwhile.
        m_modelBar->prompt()->setText(prompt);
        startLesson(fallback);
    }
}

void MainWindow::zoomPanes(double factor)
{
    for (DiagramWidget* pane : {m_uncachedPane, m_cachedPane})
        pane->zoomBy(factor);
}

void MainWindow::resetPaneZoom()
{
    for (DiagramWidget* pane : {m_uncachedPane, m_cachedPane})
        pane->resetZoom();
}

DiagramWidget* MainWindow::pane(kv::DecodeMode mode) const
{
    return mode == kv::DecodeMode::Cached ? m_cachedPane : m_uncachedPane;
}

PromptEdit* MainWindow::promptEdit() const
{
    return m_modelBar->prompt();
}

QLabel* MainWindow::promptError() const
{
    return m_promptError;
}

void MainWindow::buildCentral()
{
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(8, 4, 8, 8);
    layout->setSpacing(6);
    m_banner = new QLabel(central);
    m_banner->setObjectName(QStringLiteral("banner"));
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #c62828; color: white; font-weight: bold; padding: 8px; border-radius: 4px; }"));
    m_banner->hide();
    m_claimVerdict = new QLabel(central);
    m_claimVerdict->setObjectName(QStringLiteral("claimVerdict"));
    m_claimVerdict->setWordWrap(true);
    m_claimVerdict->setStyleSheet(QStringLiteral("QLabel { background: #1f5fd0; color: white; padding: 8px; border-radius: 4px; }"));
    m_claimVerdict->setToolTip(tr("Click to dismiss"));
    m_claimVerdict->installEventFilter(this);
    m_claimVerdict->hide();
    m_strip = new DiagramWidget(std::make_unique<TokenStripDiagram>(), central);
    m_uncachedPane = new DiagramWidget(std::make_unique<AttentionDiagram>(kv::DecodeMode::Uncached));
    m_cachedPane = new DiagramWidget(std::make_unique<AttentionDiagram>(kv::DecodeMode::Cached));
    for (DiagramWidget* pane : {m_uncachedPane, m_cachedPane}) {
        pane->setZoomable(true);
        connect(pane, &DiagramWidget::zoomChanged, this, [this](double zoom) {
            statusBar()->showMessage(zoom == 1.0 ? tr("Zoom reset: the whole pane fits")
                                                 : tr("Zoom %1% · drag or scroll to pan · 0 resets").arg(qRound(zoom * 100)),
                                     4000);
        });
    }
    m_panes = new QSplitter(Qt::Horizontal, central);
    m_panes->addWidget(m_uncachedPane);
    m_panes->addWidget(m_cachedPane);
    m_panes->setChildrenCollapsible(false);
    m_legend = new DiagramWidget(std::make_unique<LegendDiagram>(), central);
    m_legend->setFixedHeight(36);
    m_stepTitle = new QLabel(central);
    m_stepTitle->setObjectName(QStringLiteral("stepTitle"));
    m_narration = new QLabel(central);
    m_narration->setObjectName(QStringLiteral("narration"));
    m_narration->setWordWrap(true);
    m_narration->setTextFormat(Qt::RichText);
    m_narration->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_narration->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    // A refusal wraps here, in full, rather than being cut off at the end of a toolbar.
    m_promptError = new QLabel(central);
    m_promptError->setObjectName(QStringLiteral("promptError"));
    m_promptError->setWordWrap(true);
    m_promptError->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_promptError->setStyleSheet(QStringLiteral("QLabel { color: #c62828; font-weight: bold; }"));
    m_promptError->hide();
    // Under an unknown-word refusal: the words the models know.
    m_wordListOffer = new QLabel(central);
    m_wordListOffer->setObjectName(QStringLiteral("wordListOffer"));
    m_wordListOffer->hide();
    m_generationBar = new GenerationBar(central);
    connect(m_generationBar, &GenerationBar::cancelClicked, this, &MainWindow::cancelGeneration);
    m_modelLoadBar = new ModelLoadBar(central);
    connect(m_modelLoadBar, &ModelLoadBar::cancelClicked, this, &MainWindow::cancelModelLoad);
    central->setFocusPolicy(Qt::ClickFocus); // clicking beside the panes gives the keys back to playback
    layout->addWidget(m_promptError);
    layout->addWidget(m_wordListOffer);
    layout->addWidget(m_banner);
    layout->addWidget(m_claimVerdict);
    layout->addWidget(m_modelLoadBar);
    layout->addWidget(m_generationBar);
    layout->addWidget(m_strip);
    layout->addWidget(m_panes, 1);
    layout->addWidget(m_legend);
    layout->addWidget(m_stepTitle);
    layout->addWidget(m_narration);
    setCentralWidget(central);
    connect(m_strip, &DiagramWidget::tokenClicked, this, [this](int index) {
        if (index >= 0)
            m_controller->setSelectedToken(index);
    });
}

void MainWindow::buildControls()
{
    m_playbackBar = new PlaybackBar(m_controller, this);
    addToolBar(Qt::TopToolBarArea, m_playbackBar);
    addToolBarBreak();
    m_modelBar = new ModelBar(this);
    addToolBar(Qt::TopToolBarArea, m_modelBar);
    connect(m_modelBar, &ModelBar::promptEntered, this, [this](const QString& prompt) {
        if (runPrompt(prompt))
            returnFocusToPlayback(); // a refused prompt keeps the focus, to be fixed
    });
    connect(m_modelBar, &ModelBar::layerChanged, m_controller, &PlaybackController::setLayer);
    connect(m_modelBar, &ModelBar::headChanged, m_controller, &PlaybackController::setHead);
    connect(m_modelBar, &ModelBar::modelChosen, this, [this](const QString& path) { openModelFolder(path); });
}

void MainWindow::buildDocks()
{
    m_sampling = new SamplingPanel(this);
    m_samplingDock = new QDockWidget(tr("Sampling"), this);
    m_samplingDock->setObjectName(QStringLiteral("samplingDock"));
    m_samplingDock->setWidget(m_sampling);
    addDockWidget(Qt::RightDockWidgetArea, m_samplingDock);
    m_samplingDock->hide();
    connect(m_sampling, &SamplingPanel::changed, this, [this] {
        if (!m_lastPrompt.isEmpty())
            runPrompt(m_lastPrompt);
    });
    m_docks = new AnalysisDocks(this);
    connect(m_docks, &AnalysisDocks::headChosen, this, [this](int layer, int head) {
        m_controller->setLayer(layer);
        m_controller->setHead(head);
        if (m_controller->frame().valid())
            m_modelBar->setShape(m_controller->frame().lesson->config(), layer, head);
    });
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open Model…"), QKeySequence::Open, this, [this] {
        const QString directory = ModelBar::askForModel(this);
        if (!directory.isEmpty())
            openModelFolder(directory);
    });
    file->addAction(tr("&Export…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, [this] {
        ExportDialog dialog(m_controller->frame(), this);
        if (dialog.exec() == QDialog::Accepted)
            statusBar()->showMessage(ExportDialog::doneMessage(dialog.lastResult()));
    });
    file->addAction(tr("&Copy Frame"), QKeySequence::Copy, this, [this] {
        const bool onlyUncached = m_cachedPane->isHidden();
        const bool onlyCached = m_uncachedPane->isHidden();
        copyFrameToClipboard(m_controller->frame(), onlyUncached ? ExportView::Uncached
                                                        : onlyCached ? ExportView::Cached
                                                                     : ExportView::Both);
        statusBar()->showMessage(tr("Copied the frame as an image and as SVG"), 4000);
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* playback = menuBar()->addMenu(tr("&Playback"));
    playback->addActions(m_playbackBar->playbackActions());

    menuBar()->addMenu(new ViewMenu(this));

    QMenu* demos = menuBar()->addMenu(tr("&Demonstrations"));
    demos->addAction(tr("Forget to &Reset the Cache"), this, [this] { demonstrate(Lesson::Kind::StaleCache); });
    demos->addAction(tr("Forget the Current &Position"), this, [this] { demonstrate(Lesson::Kind::FrozenPosition); });
    demos->addSeparator();
    demos->addAction(tr("&Back to the Normal Walk-Through"), this, [this] { runPrompt(m_lastPrompt); });

    auto* claims = new ClaimsMenu(m_docks, this);
    menuBar()->addMenu(claims);
    connect(claims, &ClaimsMenu::claimChecked, this, [this](const QString& verdict) {
        m_claimVerdict->setText(verdict);
        m_claimVerdict->show();
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    buildHelp(help);
    help->addAction(tr("&Keyboard Shortcuts"), this, [this] {
        QMessageBox::information(this, tr("Keyboard shortcuts"), shortcutList());
    });
}

QString MainWindow::shortcutList() const
{
    // Read off the actions themselves, so the list is every key that works, as it is bound.
    QStringList lines;
    QList<QAction*> pending = actions();
    for (QAction* menu : menuBar()->actions())
        pending << menu;
    QSet<QAction*> seen;
    while (!pending.isEmpty()) {
        QAction* action = pending.takeFirst();
        if (seen.contains(action))
            continue;
        seen.insert(action);
        if (action->menu())
            pending << action->menu()->actions();
        const QList<QKeySequence> keys = action->shortcuts();
        if (keys.isEmpty() || action->text().isEmpty())
            continue;
        QStringList shown;
        for (const QKeySequence& key : keys)
            shown << key.toString(QKeySequence::NativeText);
        const QString line = QStringLiteral("%1: %2").arg(shown.join(QStringLiteral(" or ")), QString(action->text()).remove(QLatin1Char('&')));
        if (!lines.contains(line))
            lines << line;
    }
    lines << tr("Esc: leave presentation, lift the black screen, cancel opening a model or a generation in progress, "
                "or give the keys back to playback from a field");
    return lines.join(QLatin1Char('\n'));
}

// Help: the tour of the window (also on first run), the glossary the
// narration links to, and the words the models know.
void MainWindow::buildHelp(QMenu* help)
{
    const std::vector<TourOverlay::Step> steps{
        {m_strip, tr("The token strip"),
         tr("The sequence so far, each token with its position. The token being processed is highlighted; at the "
            "last phase the next token arrives at the end with its probability. Click a token to highlight its row "
            "and column in every matrix.")},
        {m_uncachedPane, tr("Without a KV cache"),
         tr("What a model without a cache must do at every step: feed the whole sequence again and recompute Q, K "
            "and V for every token, then the whole score matrix.")},
        {m_cachedPane, tr("With a KV cache"),
         tr("The same step with a cache: one new q, k and v row; k and v are appended to the cache, and one query "
            "row attends over it. Same next token, far less work.")},
        {m_legend, tr("What the cell borders mean"),
         tr("Green: new this step. Blue: read from the cache. Orange: recomputed, equal to last step's. Hatched "
            "grey: computed and thrown away. Light grey: masked future tokens. The colour inside a cell is its "
            "value.")},
        {m_playbackBar, tr("Playing the walk-through"),
         tr("Space plays and pauses; → and ← step through the phases, Shift+→ and Shift+← through tokens; Home "
            "and End jump to the ends. F5 presents full screen (a clicker's Page Down works too; B blacks the "
            "screen).")},
        {m_docks->charts(), tr("The docks"),
         tr("Charts of the cost per step and the next-token probabilities, the KV memory calculator with real "
            "models, and a timed benchmark. Open and close them from the View menu.")},
        {m_narration, tr("The narration"),
         tr("Each phase explained with the real shapes and numbers. Underlined words open the glossary; Help ▸ "
            "Glossary lists them all.")},
    };
    m_tour = new TourOverlay(this, steps);
    m_glossary = new GlossaryDialog(this);
    help->addAction(tr("&Tour of the Window"), m_tour, &TourOverlay::start);
    help->addAction(tr("&Glossary"), this, [this] { m_glossary->showTerm(m_glossary->shownTerm()); });
    help->addAction(tr("&Words the Models Know…"), this, [this] { showWordList({}); });
    m_narration->setTextInteractionFlags(Qt::LinksAccessibleByMouse);
    connect(m_narration, &QLabel::linkActivated, this, [this](const QString& link) {
        m_glossary->showTerm(Glossary::idOfLink(link));
    });
    connect(m_wordListOffer, &QLabel::linkActivated, this, [this](const QString& link) {
        showWordList(QUrl::fromPercentEncoding(link.mid(link.indexOf(QLatin1Char(':')) + 1).toUtf8()));
    });
}

void MainWindow::offerWordList(const QString& word)
{
    m_wordListOffer->setText(tr("<a href=\"words:%1\">Show the words the models know…</a>")
                                 .arg(QString::fromUtf8(QUrl::toPercentEncoding(word))));
    m_wordListOffer->show();
}

void MainWindow::showWordList(const QString& refusedWord)
{
    if (!m_wordList)
        m_wordList = new WordListDialog(WordListDialog::shippedVocabularies(), this);
    m_wordList->setRefusedWord(refusedWord);
    m_wordList->setFilter({});
    m_wordList->show();
    m_wordList->raise();
}

void MainWindow::addShortcutsToWindow()
{
    // On the window itself, every shortcut works with the menu bar and toolbars
    // hidden (presentation mode) and whichever widget has the focus.
    addActions(m_playbackBar->playbackActions());
    addAction(m_blackScreen->toggleAction());
    QList<QAction*> pending = menuBar()->actions();
    while (!pending.isEmpty()) {
        QAction* action = pending.takeFirst();
        if (action->menu())
            pending += action->menu()->actions();
        else if (!action->shortcuts().isEmpty() && !actions().contains(action))
            addAction(action);
    }
}

QString MainWindow::loadModel(const QString& directory, const QString& tokenizerPath)
{
    try {
        m_lessons.loadModel(directory, tokenizerPath);
    } catch (const kv::KvError& error) {
        return QString::fromStdString(error.what());
    }
    showModelOpened(directory);
    return {};
}

void MainWindow::showModelOpened(const QString& directory)
{
    cancelGeneration(); // its walk-through is the old model's
    m_modelBar->prompt()->setTokenizer(m_lessons.bundle().tokenizer);
    m_modelBar->setModels(QString::fromStdString(m_lessons.bundle().directory), m_lessons.modelName());
    statusBar()->showMessage(tr("Loaded %1 from %2").arg(m_lessons.modelName(), directory), 5000);
}

bool MainWindow::openModel(const QString& directory)
{
    const QString error = loadModel(directory);
    if (!error.isEmpty())
        reportError(tr("Could not open the model: %1").arg(error));
    return error.isEmpty();
}

void MainWindow::openModelFolder(const QString& path, const QString& tokenizerPath)
{
    startModelLoad(path, tokenizerPath, StartupLoad::None);
}

// The load bar's thresholds (MainWindow.h). Measured here (2 cores, warm page
// cache, 30 Nov 2026): a 341 MB F32 folder opens in 0.2 s (its weights are
// read in place from the mapping), a 1.94 GB BF16 one (TinyLlama's shape) in
// about 16 s (widened to float32 at ~0.12 GB/s). So a checkpoint of
// kLoadBarAtOnceBytes (1 GB) takes over half a second whatever its dtype, and
// seconds from a cold disk: the bar shows from the start. Below that, a load
// still running after kLoadBarDelayMs (BF16 of a few tens of MB or more, a
// slow disk) shows it then; one that ends sooner (the tiny models, a mapped
// F32 model of a few hundred MB) never does, and keeps its instant feel.
void MainWindow::startModelLoad(const QString& path, const QString& tokenizerPath, StartupLoad startup)
{
    endModelLoad(); // another model asked for while one loads: that one is cancelled
    m_startupLoad = startup;
    m_modelLoad = new ModelLoad(m_modelLoader, path, tokenizerPath, this);
    connect(m_modelLoad, &ModelLoad::progressed, m_modelLoadBar, &ModelLoadBar::setProgress);
    connect(m_modelLoad, &ModelLoad::loaded, this, &MainWindow::modelLoaded);
    connect(m_modelLoad, &ModelLoad::failed, this, &MainWindow::modelLoadFailed);
    m_modelLoadBar->setLoad(m_modelLoad->name(), m_lessons.hasModel() ? m_lessons.modelName() : QString(),
                            m_modelLoad->bytesOnDisk());
    if (startup != StartupLoad::None && m_startupPrompt)
        m_modelBar->prompt()->setText(*m_startupPrompt); // what runs once the model is there
    if (m_modelLoad->bytesOnDisk() >= kLoadBarAtOnceBytes)
        m_modelLoadBar->show();
    else
        m_revealLoad.start();
}

void MainWindow::endModelLoad()
{
    m_revealLoad.stop();
    m_modelLoadBar->hide();
    if (!m_modelLoad)
        return;
    // Retired without waiting for the loader: it goes once its thread has ended.
    ModelLoad* retired = std::exchange(m_modelLoad, nullptr);
    disconnect(retired, nullptr, this, nullptr);
    disconnect(retired, nullptr, m_modelLoadBar, nullptr);
    retired->cancel();
    if (retired->running())
        connect(retired, &ModelLoad::finished, retired, &QObject::deleteLater);
    else
        retired->deleteLater();
}

void MainWindow::modelLoaded()
{
    const QString path = m_modelLoad->path();
    m_lessons.setModel(m_modelLoad->takeBundle());
    const StartupLoad startup = std::exchange(m_startupLoad, StartupLoad::None);
    endModelLoad();
    showModelOpened(path);
    if (startup != StartupLoad::None || m_lastPrompt.isEmpty()) {
        startFirstWalkThrough(); // nothing has run yet: the prompt given at start-up, or the model's default
    } else if (!runPrompt(m_lastPrompt)) {
        // The new model cannot read the last prompt (a llama2.c model's tokens are ids): its default
        // walk-through shows beside the message, as at startup.
        startLesson(CliOptions::defaultPrompt(*m_lessons.bundle().tokenizer));
    }
    emit modelLoadEnded();
    emit walkThroughGrew();
}

void MainWindow::modelLoadFailed(const QString& message)
{
    const QString path = m_modelLoad->path();
    const StartupLoad startup = std::exchange(m_startupLoad, StartupLoad::None);
    endModelLoad();
    if (startup == StartupLoad::Asked) {
        // A model asked for by name is that model or an error, never silently another.
        m_startupError = message;
        emit startupFailed(message);
    } else if (startup == StartupLoad::Saved) {
        openModel(AssetLocator::defaultModelDir());
        startFirstWalkThrough();
        reportError(tr("Could not open the model: %1").arg(message)); // after the walk-through, which clears errors
    } else {
        showModelError(path, message);
    }
    emit modelLoadEnded();
    emit walkThroughGrew();
}

void MainWindow::showModelError(const QString& path, const QString& message)
{
    // Window-modal without a nested event loop: the window goes on drawing behind it.
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Could not open the model"),
                                tr("The model in “%1” could not be opened.").arg(QDir::toNativeSeparators(path)),
                                QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(m_lessons.hasModel()
                                ? tr("%1.\n\nThe current model, %2, stays open.").arg(message, m_lessons.modelName())
                                : tr("%1.").arg(message));
    box->open();
}

void MainWindow::cancelModelLoad()
{
    if (!m_modelLoad)
        return;
    const QString name = m_modelLoad->name();
    const StartupLoad startup = std::exchange(m_startupLoad, StartupLoad::None);
    endModelLoad();
    QString note;
    if (startup != StartupLoad::None) {
        // Nothing was open yet: the shipped model opens instead, said so.
        openModel(AssetLocator::defaultModelDir());
        startFirstWalkThrough();
        note = tr("Opening %1 was cancelled: %2 opens instead.").arg(name, m_lessons.modelName());
    } else {
        note = tr("Opening %1 was cancelled: %2 stays open.").arg(name, m_lessons.modelName());
    }
    statusBar()->showMessage(note, 15000);
    emit modelLoadEnded();
    emit walkThroughGrew();
}

kv::GenerationSettings MainWindow::generationSettings() const
{
    kv::GenerationSettings settings;
    settings.sampling = m_sampling->settings();
    settings.maxNewTokens = m_maxNewTokens; // --max-new; 0: until [EOS] or the context is full
    return settings;
}

bool MainWindow::startLesson(const QString& prompt)
{
    try {
        const kv::GenerationSettings settings = generationSettings();
        if (m_lessons.generatesInBackground(prompt, settings)) {
            startGeneration(m_lessons.generate(prompt, settings, this));
        } else {
            auto lesson = m_lessons.normal(prompt, settings);
            stopGeneration();
            setLesson(std::move(lesson));
        }
    } catch (const kv::UnknownWordError& error) {
        reportError(tr("Prompt refused: %1").arg(QString::fromStdString(error.what())));
        offerWordList(QString::fromStdString(error.word()));
        return false;
    } catch (const kv::KvError& error) {
        reportError(tr("Prompt refused: %1").arg(QString::fromStdString(error.what())));
        return false;
    }
    m_lastPrompt = prompt;
    return true;
}

bool MainWindow::runPrompt(const QString& prompt)
{
    if (!startLesson(prompt))
        return false;
    if (m_modelBar->prompt()->text() != prompt)
        m_modelBar->prompt()->setText(prompt);
    clearError();
    return true;
}

void MainWindow::clearError()
{
    m_promptError->clear();
    m_promptError->hide();
    m_wordListOffer->hide();
    if (!m_shownError.isEmpty() && statusBar()->currentMessage() == m_shownError)
        statusBar()->clearMessage();
    m_shownError.clear();
}

QString MainWindow::openAt(int step, int phase)
{
    const int perStep = m_controller->phasesPerStep();
    const int steps = perStep > 0 ? m_controller->positionCount() / perStep : 0;
    QString note;
    if (steps == 0)
        return note; // nothing generated (yet): the window stays as it is
    if (phase > perStep) {
        // --phase 8 exists only where RoPE adds the Rotate phase.
        note = tr("--phase %1 is past the last phase: this model's steps have %2 phases, so it opens at phase %2")
                   .arg(phase)
                   .arg(perStep);
        phase = perStep;
    }
    if (step >= steps) {
        note += (note.isEmpty() ? QString() : QStringLiteral("; "))
            + tr("--step %1 is past the end: this walk-through has %2 steps (0 to %3), so it opens at step %3")
                  .arg(step)
                  .arg(steps)
                  .arg(steps - 1);
        step = steps - 1;
    }
    m_controller->setPosition(step * perStep + phase - 1);
    if (!note.isEmpty())
        statusBar()->showMessage(note, 15000);
    return note;
}

void MainWindow::openWhenReady(int step, int phase, std::function<void(const QString& note)> opened)
{
    if (stepReady(step)) {
        opened(openAt(step, phase));
        return;
    }
    auto waiting = std::make_shared<QMetaObject::Connection>();
    *waiting = connect(this, &MainWindow::walkThroughGrew, this, [this, step, phase, opened, waiting] {
        if (!stepReady(step))
            return;
        disconnect(*waiting);
        opened(openAt(step, phase));
    });
}

void MainWindow::demonstrate(Lesson::Kind kind)
{
    try {
        auto lesson = kind == Lesson::Kind::StaleCache
                          ? m_lessons.staleCache(m_lastPrompt, kSecondPrompt, generationSettings())
                          : m_lessons.frozenPosition(m_lastPrompt, generationSettings());
        stopGeneration();
        setLesson(std::move(lesson));
    } catch (const kv::KvError& error) {
        reportError(tr("Demonstration failed: %1").arg(QString::fromStdString(error.what())));
    }
}

void MainWindow::reportError(const QString& message)
{
    m_promptError->setText(message);
    m_promptError->show();
    m_shownError = message;
    statusBar()->showMessage(message, 15000);
}

void MainWindow::setLesson(std::shared_ptr<const Lesson> lesson)
{
    m_banner->setText(lesson->banner);
    m_banner->setVisible(!lesson->banner.isEmpty());
    m_controller->setLesson(std::move(lesson));
    const Frame& frame = m_controller->frame();
    m_modelBar->setShape(frame.lesson->config(), frame.layer, frame.head);
}

bool MainWindow::generating() const
{
    return m_generation && m_generation->running() && !m_generation->cancelled();
}

bool MainWindow::stepReady(int step) const
{
    return !loadingModel() && (!generating() || m_generation->stepsDone() > step);
}

void MainWindow::startGeneration(Generation* generation)
{
    stopGeneration();
    m_generation = generation;
    connect(generation, &Generation::stepAdded, this, &MainWindow::generationProgressed);
    connect(generation, &Generation::finished, this, &MainWindow::generationFinished);
    connect(generation, &Generation::failed, this, [this](const QString& message) {
        const int done = m_generation->stepsDone();
        showGrownLesson();
        m_generationBar->showStopped(done == 0 ? tr("Generation failed before its prefill was done.")
                                               : tr("Generation failed after %1 steps: this walk-through ends at step %2.")
                                                     .arg(done)
                                                     .arg(done - 1));
        reportError(tr("Generation failed: %1").arg(message));
    });
    m_generationBar->showRunning(0, generation->stepsPlanned());
}

void MainWindow::stopGeneration()
{
    m_growth.stop();
    m_generationBar->hide();
    if (!m_generation)
        return;
    // Retired without waiting for its step in progress: it goes once its thread has ended.
    Generation* retired = std::exchange(m_generation, nullptr);
    disconnect(retired, nullptr, this, nullptr);
    retired->cancel();
    if (retired->running())
        connect(retired, &Generation::finished, retired, &QObject::deleteLater);
    else
        retired->deleteLater();
}

void MainWindow::generationProgressed(int done, int planned)
{
    m_generationBar->showRunning(done, planned);
    if (done == 1)
        setLesson(m_generation->lesson()); // the prefill: the walk-through opens at it
    else if (!m_growth.isActive())
        m_growth.start();
    emit walkThroughGrew();
}

void MainWindow::showGrownLesson()
{
    if (m_generation && m_generation->stepsDone() > 0)
        m_controller->extendLesson(m_generation->lesson());
}

void MainWindow::cancelGeneration()
{
    if (!generating())
        return;
    m_generation->cancel();
    m_growth.stop();
    const int done = m_generation->stepsDone();
    const QString note =
        done == 0 ? tr("Generation cancelled before its prefill was done: the walk-through shown is the previous one.")
                  : tr("Generation cancelled after %1 of at most %2 steps: this walk-through ends at step %3. Press "
                       "Enter in the prompt to generate it whole.")
                        .arg(done)
                        .arg(m_generation->stepsPlanned())
                        .arg(done - 1);
    showGrownLesson();
    m_generationBar->showStopped(note);
    statusBar()->showMessage(note, 15000);
    emit walkThroughGrew();
}

void MainWindow::generationFinished()
{
    if (m_generation->cancelled())
        return; // the bar says where the walk-through ends; the generation stays for that
    m_growth.stop();
    showGrownLesson();
    m_generationBar->hide();
    const int done = m_generation->stepsDone();
    statusBar()->showMessage(tr("Generated %1 steps with the cache; each step's pass without it runs when the step is shown")
                                 .arg(done),
                             5000);
    emit walkThroughGrew();
}

void MainWindow::showFrame(const Frame& frame)
{
    m_strip->setFrame(frame);
    m_uncachedPane->setFrame(frame);
    m_cachedPane->setFrame(frame);
    m_legend->setFrame(frame);
    if (!frame.valid())
        return;
    m_docks->setFrame(frame);
    m_stepTitle->setText(QStringLiteral("<b>%1</b>").arg(Narrator::stepTitle(frame)));
    m_narration->setText(Glossary::linkTerms(Narrator::narration(frame), frame.theme.cachedAccent));
    m_modelBar->setSharing(Narrator::headSharing(frame.lesson->config(), frame.head));
    m_playbackBar->refresh();
}

void MainWindow::showPanes(bool uncached, bool cached)
{
    m_uncachedPane->setVisible(uncached);
    m_cachedPane->setVisible(cached);
    emit panesArranged(uncached, cached, panesStacked());
}

void MainWindow::setPanesStacked(bool stacked)
{
    m_panes->setOrientation(stacked ? Qt::Vertical : Qt::Horizontal);
    emit panesArranged(!m_uncachedPane->isHidden(), !m_cachedPane->isHidden(), stacked);
}

bool MainWindow::panesStacked() const
{
    return m_panes->orientation() == Qt::Vertical;
}

void MainWindow::setPaneLayout(CliOptions::PaneLayout layout)
{
    using PaneLayout = CliOptions::PaneLayout;
    setPanesStacked(layout == PaneLayout::Stacked);
    showPanes(layout != PaneLayout::CachedOnly, layout != PaneLayout::UncachedOnly);
}

QAction* MainWindow::samplingToggle() const
{
    return m_samplingDock->toggleViewAction();
}

void MainWindow::openDocks(const QStringList& names)
{
    // The View menu's toggles, in the order of CliOptions::kDockNames: as if each were chosen there.
    const QList<QAction*> toggles = QList<QAction*>{samplingToggle()} + m_docks->toggleActions();
    for (const QString& name : names) {
        QAction* toggle = toggles.value(CliOptions::kDockNames.indexOf(name));
        if (toggle && !toggle->isChecked())
            toggle->trigger();
    }
    // The last one named comes to the front of its tab group, once the window has laid out the tabs.
    QAction* last = names.isEmpty() ? nullptr : toggles.value(CliOptions::kDockNames.indexOf(names.last()));
    if (auto* dock = last ? qobject_cast<QDockWidget*>(last->parent()) : nullptr)
        QTimer::singleShot(0, dock, &QDockWidget::raise);
}

void MainWindow::setThemeName(const QString& name)
{
    m_themeName = name;
    applyTheme();
}

void MainWindow::applyTheme()
{
    const Theme base = Theme::byName(m_themeName);
    m_controller->setTheme(m_presenting ? base.presenting() : base);
    m_docks->setTheme(base);
    const int textPx = m_presenting ? 19 : 15; // presenting: large enough for the hall, leaving the panes room
    m_strip->setFixedHeight(m_presenting ? 120 : 96);
    m_legend->setFixedHeight(m_presenting ? 44 : 36);
    // Presenting, the central margins go to the panes; the text keeps its own.
    const QString style = QStringLiteral("color: %1; font-size: %2px; padding: 0px %3px;")
                              .arg(base.text.name()).arg(textPx).arg(m_presenting ? 8 : 0);
    m_narration->setStyleSheet(style);
    m_stepTitle->setStyleSheet(style);
    // Presenting, the panes take the margins a window keeps for air.
    centralWidget()->layout()->setContentsMargins(m_presenting ? QMargins(2, 2, 2, 2) : QMargins(8, 4, 8, 8));
    centralWidget()->setStyleSheet(QStringLiteral("background: %1;").arg(base.background.name()));
}

void MainWindow::setPresentation(bool on)
{
    if (on == m_presenting)
        return;
    if (on) {
        m_geometryBeforePresentation = geometry();
        m_savedGeometryBeforePresentation = saveGeometry();
        m_maximizedBeforePresentation = isMaximized();
        m_stateBeforePresentation = saveState();
    }
    m_presenting = on;
    menuBar()->setVisible(!on);
    statusBar()->setVisible(!on);
    floatToolBars(on);
    setControlsShown(!on);
    if (on) {
        m_samplingDock->hide();
        m_docks->hideAll();
        if (m_requestedSize.isValid()) {
            // --size: present at that size (a screenshot of a smaller projector), not full screen.
            setGeometry(QRect(screen()->geometry().topLeft(), m_requestedSize));
        } else {
            setGeometry(screen()->geometry()); // also where no window manager honours full screen
            showFullScreen();
        }
    } else {
        m_hideControls.stop();
        m_blackScreen->setShown(false);
        for (QToolBar* bar : {static_cast<QToolBar*>(m_playbackBar), static_cast<QToolBar*>(m_modelBar)})
            bar->setGraphicsEffect(nullptr);
        // The geometry itself, not restoreGeometry(): that one moves a window at the
        // top of the screen down by a guessed title bar where there is none.
        if (m_maximizedBeforePresentation) {
            showMaximized();
        } else {
            showNormal();
            setGeometry(m_geometryBeforePresentation);
        }
        restoreState(m_stateBeforePresentation);
    }
    applyTheme();
}

void MainWindow::floatToolBars(bool floating)
{
    const QList<QToolBar*> bars{m_playbackBar, m_modelBar};
    if (floating) {
        for (QToolBar* bar : bars) {
            removeToolBar(bar);
            bar->setParent(this);
            bar->show();
        }
        placeFloatingToolBars();
        m_blackScreen->raise();
    } else if (toolBarArea(m_playbackBar) == Qt::NoToolBarArea) {
        addToolBar(Qt::TopToolBarArea, m_playbackBar);
        addToolBarBreak();
        addToolBar(Qt::TopToolBarArea, m_modelBar);
        for (QToolBar* bar : bars)
            bar->show();
    }
}

void MainWindow::placeFloatingToolBars()
{
    int top = 0;
    for (QToolBar* bar : {static_cast<QToolBar*>(m_playbackBar), static_cast<QToolBar*>(m_modelBar)}) {
        const int height = bar->sizeHint().height();
        bar->setGeometry(0, top, width(), height);
        bar->raise();
        top += height;
    }
}

void MainWindow::setControlsShown(bool shown)
{
    // The toolbars fade rather than hide: floating over the canvas, nothing
    // below them moves when the pointer brings them back.
    m_controlsShown = shown;
    for (QToolBar* bar : {static_cast<QToolBar*>(m_playbackBar), static_cast<QToolBar*>(m_modelBar)}) {
        auto* effect = qobject_cast<QGraphicsOpacityEffect*>(bar->graphicsEffect());
        if (!effect && !shown) {
            effect = new QGraphicsOpacityEffect(bar);
            bar->setGraphicsEffect(effect);
        }
        if (effect)
            effect->setOpacity(shown ? 1.0 : 0.0);
        bar->setEnabled(shown);
    }
}

void MainWindow::returnFocusToPlayback()
{
    centralWidget()->setFocus(Qt::OtherFocusReason);
}

bool MainWindow::filterKey(QObject* watched, QKeyEvent* event)
{
    auto* widget = qobject_cast<QWidget*>(watched);
    if (!widget || widget->window() != this)
        return false;
    const bool inSpinBox = qobject_cast<QAbstractSpinBox*>(widget) || qobject_cast<QAbstractSpinBox*>(widget->parent());
    // A spin box is a value, not a text being written: the playback keys pass it by.
    if (event->type() == QEvent::ShortcutOverride && inSpinBox && m_playbackBar->isPlaybackKey(*event)) {
        event->ignore();
        return true;
    }
    if (event->type() != QEvent::KeyPress || event->key() != Qt::Key_Escape)
        return false;
    if (m_presenting) {
        setPresentation(false);
        return true;
    }
    if (loadingModel()) {
        cancelModelLoad();
        return true;
    }
    if (generating()) {
        cancelGeneration();
        return true;
    }
    const bool editing = inSpinBox || qobject_cast<QLineEdit*>(widget) || qobject_cast<QComboBox*>(widget);
    if (editing && widget->hasFocus()) {
        returnFocusToPlayback();
        return true;
    }
    return false;
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_claimVerdict && event->type() == QEvent::MouseButtonPress)
        m_claimVerdict->hide();
    if (watched == this && m_presenting && event->type() == QEvent::Resize)
        placeFloatingToolBars();
    if (m_presenting && event->type() == QEvent::MouseMove) {
        setControlsShown(true);
        m_hideControls.start();
    }
    if ((event->type() == QEvent::KeyPress || event->type() == QEvent::ShortcutOverride)
        && filterKey(watched, static_cast<QKeyEvent*>(event)))
        return true;
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (m_requestedSize.isValid())
        resize(m_requestedSize);
    else if (!restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray()))
        resize(1600, 960);
    restoreState(settings.value(QStringLiteral("windowState")).toByteArray());
    m_themeName = settings.value(QStringLiteral("theme"), QStringLiteral("light")).toString();
    m_playbackBar->speedSlider()->setValue(settings.value(QStringLiteral("speed"), 0).toInt());
    applyTheme();
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    // Closed while presenting: remember the window as it was before, not the full screen without docks.
    settings.setValue(QStringLiteral("geometry"), m_presenting ? m_savedGeometryBeforePresentation : saveGeometry());
    settings.setValue(QStringLiteral("windowState"), m_presenting ? m_stateBeforePresentation : saveState());
    settings.setValue(QStringLiteral("theme"), m_themeName);
    settings.setValue(QStringLiteral("speed"), m_playbackBar->speedSlider()->value());
    if (m_lessons.hasModel())
        settings.setValue(QStringLiteral("model"), QString::fromStdString(m_lessons.bundle().directory));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    event->accept();
}

} // namespace kvlab
