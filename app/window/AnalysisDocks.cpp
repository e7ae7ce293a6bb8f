#include "app/window/AnalysisDocks.h"

#include "views/diagrams/AllHeadsWidget.h"
#include "app/window/BenchmarkPanel.h"
#include "views/charts/ChartsPanel.h"
#include "views/memory/MemoryCalculatorPanel.h"
#include "views/diagrams/WholeCacheDiagram.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QScrollArea>

namespace kvlab {

AnalysisDocks::AnalysisDocks(QMainWindow* window)
    : QObject(window)
    , m_charts(new ChartsPanel(window))
    , m_memory(new MemoryCalculatorPanel(window))
    , m_benchmark(new BenchmarkPanel(window))
    , m_wholeCache(new DiagramWidget(std::make_unique<WholeCacheDiagram>(), window))
    , m_allHeads(new AllHeadsWidget(window))
{
    m_charts->setMinimumWidth(360);
    m_chartsDock = addDock(window, tr("Charts"), QStringLiteral("chartsDock"), m_charts);
    m_memoryDock = addDock(window, tr("KV Memory Calculator"), QStringLiteral("memoryDock"), m_memory);
    // The benchmark's form, plots and verdict need ~500 px of height: in a
    // shorter dock they scroll, so the window still fits a 1024x768 screen.
    m_benchmarkDock = addDock(window, tr("Benchmark"), QStringLiteral("benchmarkDock"), scrolling(m_benchmark));
    window->tabifyDockWidget(m_chartsDock, m_memoryDock);
    window->tabifyDockWidget(m_memoryDock, m_benchmarkDock);
    m_chartsDock->raise();
    window->resizeDocks({m_chartsDock}, {440}, Qt::Horizontal);
    connect(m_chartsDock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            m_charts->setFrame(m_frame);
    });
    m_wholeCacheDock = addDiagramDock(window, tr("The Whole Cache"), QStringLiteral("wholeCacheDock"), m_wholeCache);
    m_allHeadsDock = addDiagramDock(window, tr("All Heads at This Step"), QStringLiteral("allHeadsDock"), m_allHeads);
    window->tabifyDockWidget(m_benchmarkDock, m_wholeCacheDock);
    window->tabifyDockWidget(m_wholeCacheDock, m_allHeadsDock);
    m_chartsDock->raise();
    connect(m_allHeads, &AllHeadsWidget::headClicked, this, &AnalysisDocks::headChosen);
}

QDockWidget* AnalysisDocks::addDiagramDock(QMainWindow* window, const QString& title, const QString& name,
                                           DiagramWidget* content)
{
    QDockWidget* dock = addDock(window, title, name, content);
    dock->hide();
    // Shown from the menu, the dock's tab group widens enough to read it; it draws the frame once on screen.
    connect(dock->toggleViewAction(), &QAction::triggered, this, [window, dock](bool on) {
        if (!on)
            return;
        window->resizeDocks({dock}, {window->width() * 11 / 20}, Qt::Horizontal);
    });
    connect(dock, &QDockWidget::visibilityChanged, this, [this, content](bool visible) {
        if (visible && m_frame.valid())
            content->setFrame(m_frame);
    });
    return dock;
}

QScrollArea* AnalysisDocks::scrolling(QWidget* content)
{
    auto* scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    return scroll;
}

bool AnalysisDocks::onScreen(const QDockWidget* dock)
{
    return dock->isVisible() && !dock->visibleRegion().isEmpty();
}

QDockWidget* AnalysisDocks::addDock(QMainWindow* window, const QString& title, const QString& name, QWidget* content)
{
    auto* dock = new QDockWidget(title, window);
    dock->setObjectName(name);
    dock->setWidget(content);
    window->addDockWidget(Qt::RightDockWidgetArea, dock);
    return dock;
}

void AnalysisDocks::setFrame(const Frame& frame)
{
    m_frame = frame;
    if (!frame.valid())
        return;
    if (m_liveLesson != frame.lesson.get()) {
        m_liveLesson = frame.lesson.get();
        m_memory->setLiveModel(frame.lesson->config());
    }
    if (!m_chartsDock->visibleRegion().isEmpty())
        m_charts->setFrame(frame);
    if (onScreen(m_wholeCacheDock))
        m_wholeCache->setFrame(frame);
    if (onScreen(m_allHeadsDock))
        m_allHeads->setFrame(frame);
}

void AnalysisDocks::setTheme(const Theme& theme)
{
    m_memory->setTheme(theme);
    m_benchmark->setTheme(theme);
}

void AnalysisDocks::hideAll()
{
    for (QDockWidget* dock : {m_chartsDock, m_memoryDock, m_benchmarkDock, m_wholeCacheDock, m_allHeadsDock})
        dock->hide();
}

QList<QAction*> AnalysisDocks::toggleActions() const
{
    return {m_chartsDock->toggleViewAction(), m_memoryDock->toggleViewAction(), m_benchmarkDock->toggleViewAction(),
            m_wholeCacheDock->toggleViewAction(), m_allHeadsDock->toggleViewAction()};
}

void AnalysisDocks::showMemory()
{
    m_memoryDock->show();
    m_memoryDock->raise();
}

void AnalysisDocks::showBenchmark()
{
    m_benchmarkDock->show();
    m_benchmarkDock->raise();
}

} // namespace kvlab
