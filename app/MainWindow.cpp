#include "MainWindow.h"

#include "AssetLocator.h"
#include "AttentionDiagram.h"
#include "ChartsPanel.h"
#include "DiagramWidget.h"
#include "KvError.h"
#include "LegendDiagram.h"
#include "Narrator.h"
#include "PlaybackBar.h"
#include "PlaybackController.h"
#include "PromptEdit.h"
#include "SamplingPanel.h"
#include "TokenStripDiagram.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QScreen>
#include <QStatusBar>
#include <QVBoxLayout>

namespace kvlab {

namespace {

const QString kOpenFolderItem = QObject::tr("Open model folder…");
const QString kSecondPrompt = QStringLiteral("the cat");

} // namespace

MainWindow::MainWindow(const CliOptions& options, QWidget* parent)
    : QMainWindow(parent)
    , m_controller(new PlaybackController(this))
{
    setWindowTitle(tr("KV Cache Lab"));
    buildCentral();
    buildControls();
    buildDocks();
    buildMenus();
    connect(m_controller, &PlaybackController::frameChanged, this, &MainWindow::showFrame);
    m_hideControls.setSingleShot(true);
    m_hideControls.setInterval(2500);
    connect(&m_hideControls, &QTimer::timeout, this, [this] {
        if (m_presenting) {
            m_playbackBar->hide();
            m_modelBar->hide();
        }
    });
    qApp->installEventFilter(this);

    restoreSettings();
    QSettings settings;
    const QString modelDir = !options.modelDir.isEmpty() ? options.modelDir
        : settings.value(QStringLiteral("model"), AssetLocator::defaultModelDir()).toString();
    if (!openModel(modelDir) && modelDir != AssetLocator::defaultModelDir())
        openModel(AssetLocator::defaultModelDir());
    m_sampling->setSettings(options.sampling);
    runPrompt(options.prompt);
}

MainWindow::~MainWindow()
{
    qApp->removeEventFilter(this);
}

DiagramWidget* MainWindow::pane(kv::DecodeMode mode) const
{
    return mode == kv::DecodeMode::Cached ? m_cachedPane : m_uncachedPane;
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
    m_strip = new DiagramWidget(std::make_unique<TokenStripDiagram>(), central);
    m_uncachedPane = new DiagramWidget(std::make_unique<AttentionDiagram>(kv::DecodeMode::Uncached));
    m_cachedPane = new DiagramWidget(std::make_unique<AttentionDiagram>(kv::DecodeMode::Cached));
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
    layout->addWidget(m_banner);
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
    m_modelBar = addToolBar(tr("Model and prompt"));
    m_modelBar->setObjectName(QStringLiteral("modelBar"));
    m_modelPicker = new QComboBox(this);
    m_modelPicker->setToolTip(tr("The model that runs the walk-through"));
    m_layer = new QSpinBox(this);
    m_layer->setPrefix(tr("layer "));
    m_layer->setToolTip(tr("Which layer's attention the panes show"));
    m_head = new QSpinBox(this);
    m_head->setPrefix(tr("head "));
    m_head->setToolTip(tr("Which query head the panes show"));
    m_headSharing = new QLabel(this);
    m_prompt = new PromptEdit(this);
    m_prompt->setMinimumWidth(260);
    m_prompt->setToolTip(tr("Type a prompt and press Enter to run both paths again"));
    m_promptError = new QLabel(this);
    m_promptError->setObjectName(QStringLiteral("promptError"));
    m_promptError->setStyleSheet(QStringLiteral("color: #c62828; font-weight: bold;"));
    m_modelBar->addWidget(new QLabel(tr(" Model "), this));
    m_modelBar->addWidget(m_modelPicker);
    m_modelBar->addSeparator();
    m_modelBar->addWidget(m_layer);
    m_modelBar->addWidget(m_head);
    m_modelBar->addWidget(m_headSharing);
    m_modelBar->addSeparator();
    m_modelBar->addWidget(new QLabel(tr(" Prompt "), this));
    m_modelBar->addWidget(m_prompt);
    m_modelBar->addWidget(m_promptError);

    connect(m_prompt, &QLineEdit::returnPressed, this, [this] { runPrompt(m_prompt->text()); });
    connect(m_layer, &QSpinBox::valueChanged, m_controller, &PlaybackController::setLayer);
    connect(m_head, &QSpinBox::valueChanged, m_controller, &PlaybackController::setHead);
    connect(m_modelPicker, &QComboBox::activated, this, [this](int index) {
        QString directory = m_modelPicker->itemData(index).toString();
        if (directory.isEmpty())
            directory = QFileDialog::getExistingDirectory(this, kOpenFolderItem, AssetLocator::assetsDir());
        if (directory.isEmpty() || !openModel(directory))
            fillModelPicker();
        else
            runPrompt(m_lastPrompt);
    });
}

void MainWindow::buildDocks()
{
    m_sampling = new SamplingPanel(this);
    m_samplingDock = new QDockWidget(tr("Sampling"), this);
    m_samplingDock->setObjectName(QStringLiteral("samplingDock"));
    m_samplingDock->setWidget(m_sampling);
    addDockWidget(Qt::RightDockWidgetArea, m_samplingDock);
    m_samplingDock->hide();
    connect(m_sampling, &SamplingPanel::changed, this, [this] { runPrompt(m_lastPrompt); });

    m_charts = new ChartsPanel(this);
    m_charts->setMinimumWidth(360);
    m_chartsDock = new QDockWidget(tr("Charts"), this);
    m_chartsDock->setObjectName(QStringLiteral("chartsDock"));
    m_chartsDock->setWidget(m_charts);
    addDockWidget(Qt::RightDockWidgetArea, m_chartsDock);
    resizeDocks({m_chartsDock}, {420}, Qt::Horizontal);
    connect(m_chartsDock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            m_charts->setFrame(m_controller->frame());
    });
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open Model Folder…"), QKeySequence::Open, this, [this] {
        const QString directory = QFileDialog::getExistingDirectory(this, kOpenFolderItem, AssetLocator::assetsDir());
        if (!directory.isEmpty() && openModel(directory))
            runPrompt(m_lastPrompt);
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* playback = menuBar()->addMenu(tr("&Playback"));
    playback->addActions(m_playbackBar->playbackActions());

    QMenu* view = menuBar()->addMenu(tr("&View"));
    auto* panes = new QActionGroup(this);
    auto addPaneChoice = [&](const QString& text, bool uncached, bool cached) {
        QAction* action = view->addAction(text, this, [this, uncached, cached] {
            m_uncachedPane->setVisible(uncached);
            m_cachedPane->setVisible(cached);
        });
        action->setCheckable(true);
        panes->addAction(action);
        return action;
    };
    addPaneChoice(tr("&Both Panes"), true, true)->setChecked(true);
    addPaneChoice(tr("&Without KV Cache Only"), true, false);
    addPaneChoice(tr("With KV &Cache Only"), false, true);
    QAction* stacked = view->addAction(tr("&Stack Panes Vertically"), this, [this](bool on) {
        m_panes->setOrientation(on ? Qt::Vertical : Qt::Horizontal);
    });
    stacked->setCheckable(true);
    view->addSeparator();
    QAction* dark = view->addAction(tr("&Dark Theme"), this, [this](bool on) { setThemeName(on ? "dark" : "light"); });
    dark->setCheckable(true);
    dark->setChecked(m_themeName == QLatin1String("dark"));
    QAction* reduced = view->addAction(tr("&Reduced Motion"), m_controller, &PlaybackController::setReducedMotion);
    reduced->setCheckable(true);
    reduced->setToolTip(tr("Jump between phases instead of animating"));
    view->addAction(m_samplingDock->toggleViewAction());
    view->addAction(m_chartsDock->toggleViewAction());
    view->addSeparator();
    view->addAction(tr("&Presentation Mode"), QKeySequence(Qt::Key_F5), this, [this] { setPresentation(!m_presenting); });
    view->addAction(tr("&Full Screen"), QKeySequence(Qt::Key_F11), this, [this] {
        isFullScreen() ? showNormal() : showFullScreen();
    });

    QMenu* demos = menuBar()->addMenu(tr("&Demonstrations"));
    demos->addAction(tr("Forget to &Reset the Cache"), this, [this] { demonstrate(Lesson::Kind::StaleCache); });
    demos->addAction(tr("Forget the Current &Position"), this, [this] { demonstrate(Lesson::Kind::FrozenPosition); });
    demos->addSeparator();
    demos->addAction(tr("&Back to the Normal Walk-Through"), this, [this] { runPrompt(m_lastPrompt); });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), this, [this] {
        QMessageBox::information(this, tr("Keyboard shortcuts"),
                                 tr("Space: play / pause\nRight / Left: next / previous phase\n"
                                    "Shift+Right / Shift+Left: next / previous token\nHome: restart\nEnd: last step\n"
                                    "F5: presentation mode (Esc leaves)\nF11: full screen\nCtrl+O: open a model folder"));
    });
}

bool MainWindow::openModel(const QString& directory)
{
    try {
        m_lessons.loadModel(directory);
    } catch (const kv::KvError& error) {
        reportError(tr("Could not open the model: %1").arg(QString::fromStdString(error.what())));
        return false;
    }
    m_prompt->setTokenizer(m_lessons.bundle().tokenizer);
    fillModelPicker();
    statusBar()->showMessage(tr("Loaded %1 from %2").arg(m_lessons.modelName(), directory), 5000);
    return true;
}

void MainWindow::fillModelPicker()
{
    const QSignalBlocker blocker(m_modelPicker);
    m_modelPicker->clear();
    for (const QString& name : AssetLocator::shippedModelNames())
        m_modelPicker->addItem(name, AssetLocator::modelDir(name));
    const QString current = m_lessons.hasModel() ? QString::fromStdString(m_lessons.bundle().directory) : QString();
    int index = m_modelPicker->findData(current);
    if (index < 0 && !current.isEmpty()) {
        m_modelPicker->addItem(m_lessons.modelName(), current);
        index = m_modelPicker->count() - 1;
    }
    m_modelPicker->addItem(kOpenFolderItem, QString());
    m_modelPicker->setCurrentIndex(std::max(0, index));
}

kv::GenerationSettings MainWindow::generationSettings() const
{
    kv::GenerationSettings settings;
    settings.sampling = m_sampling->settings();
    return settings;
}

bool MainWindow::runPrompt(const QString& prompt)
{
    try {
        setLesson(m_lessons.normal(prompt, generationSettings()));
    } catch (const kv::KvError& error) {
        reportError(tr("Prompt refused: %1").arg(QString::fromStdString(error.what())));
        return false;
    }
    m_lastPrompt = prompt;
    if (m_prompt->text() != prompt)
        m_prompt->setText(prompt);
    m_promptError->clear();
    return true;
}

void MainWindow::demonstrate(Lesson::Kind kind)
{
    try {
        setLesson(kind == Lesson::Kind::StaleCache
                      ? m_lessons.staleCache(m_lastPrompt, kSecondPrompt, generationSettings())
                      : m_lessons.frozenPosition(m_lastPrompt, generationSettings()));
    } catch (const kv::KvError& error) {
        reportError(tr("Demonstration failed: %1").arg(QString::fromStdString(error.what())));
    }
}

void MainWindow::reportError(const QString& message)
{
    m_promptError->setText(QStringLiteral("  ") + message);
    statusBar()->showMessage(message, 15000);
}

void MainWindow::setLesson(std::shared_ptr<const Lesson> lesson)
{
    m_banner->setText(lesson->banner);
    m_banner->setVisible(!lesson->banner.isEmpty());
    m_controller->setLesson(std::move(lesson));
    refreshPickers();
}

void MainWindow::refreshPickers()
{
    const kv::ModelConfig& config = m_controller->frame().lesson->config();
    const QSignalBlocker layerBlocker(m_layer);
    const QSignalBlocker headBlocker(m_head);
    m_layer->setRange(0, config.nLayer - 1);
    m_head->setRange(0, config.nHead - 1);
    m_layer->setValue(m_controller->frame().layer);
    m_head->setValue(m_controller->frame().head);
}

void MainWindow::showFrame(const Frame& frame)
{
    m_strip->setFrame(frame);
    m_uncachedPane->setFrame(frame);
    m_cachedPane->setFrame(frame);
    m_legend->setFrame(frame);
    if (!frame.valid())
        return;
    if (m_chartsDock->isVisible())
        m_charts->setFrame(frame);
    m_stepTitle->setText(QStringLiteral("<b>%1</b>").arg(Narrator::stepTitle(frame)));
    m_narration->setText(Narrator::narration(frame));
    m_headSharing->setText(QStringLiteral(" ") + Narrator::headSharing(frame.lesson->config(), frame.head) + QStringLiteral("  "));
    m_playbackBar->refresh();
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
    const int textPx = m_presenting ? 26 : 15;
    m_strip->setFixedHeight(m_presenting ? 120 : 96);
    m_legend->setFixedHeight(m_presenting ? 44 : 36);
    const QString style = QStringLiteral("color: %1; font-size: %2px;").arg(base.text.name()).arg(textPx);
    m_narration->setStyleSheet(style);
    m_stepTitle->setStyleSheet(style);
    centralWidget()->setStyleSheet(QStringLiteral("background: %1;").arg(base.background.name()));
}

void MainWindow::setPresentation(bool on)
{
    m_presenting = on;
    menuBar()->setVisible(!on);
    statusBar()->setVisible(!on);
    m_playbackBar->setVisible(!on);
    m_modelBar->setVisible(!on);
    if (on) {
        m_samplingDock->hide();
        m_chartsDock->hide();
        setGeometry(screen()->geometry()); // also where no window manager honours full screen
        showFullScreen();
    } else {
        showNormal();
    }
    applyTheme();
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (m_presenting && event->type() == QEvent::MouseMove) {
        m_playbackBar->show();
        m_modelBar->show();
        m_hideControls.start();
    }
    if (m_presenting && event->type() == QEvent::KeyPress && static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
        setPresentation(false);
        return true;
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray()))
        resize(1600, 960);
    restoreState(settings.value(QStringLiteral("windowState")).toByteArray());
    m_themeName = settings.value(QStringLiteral("theme"), QStringLiteral("light")).toString();
    m_playbackBar->speedSlider()->setValue(settings.value(QStringLiteral("speed"), 0).toInt());
    applyTheme();
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("windowState"), saveState());
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
