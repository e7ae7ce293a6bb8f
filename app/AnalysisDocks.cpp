#include "AnalysisDocks.h"

#include "BenchmarkPanel.h"
#include "ChartsPanel.h"
#include "MemoryCalculatorPanel.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>

namespace kvlab {

AnalysisDocks::AnalysisDocks(QMainWindow* window)
    : QObject(window)
    , m_charts(new ChartsPanel(window))
    , m_memory(new MemoryCalculatorPanel(window))
    , m_benchmark(new BenchmarkPanel(window))
{
    m_charts->setMinimumWidth(360);
    m_chartsDock = addDock(window, tr("Charts"), QStringLiteral("chartsDock"), m_charts);
    m_memoryDock = addDock(window, tr("KV Memory Calculator"), QStringLiteral("memoryDock"), m_memory);
    m_benchmarkDock = addDock(window, tr("Benchmark"), QStringLiteral("benchmarkDock"), m_benchmark);
    window->tabifyDockWidget(m_chartsDock, m_memoryDock);
    window->tabifyDockWidget(m_memoryDock, m_benchmarkDock);
    m_chartsDock->raise();
    window->resizeDocks({m_chartsDock}, {440}, Qt::Horizontal);
    connect(m_chartsDock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            m_charts->setFrame(m_frame);
    });
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
}

void AnalysisDocks::setTheme(const Theme& theme)
{
    m_memory->setTheme(theme);
    m_benchmark->setTheme(theme);
}

void AnalysisDocks::hideAll()
{
    for (QDockWidget* dock : {m_chartsDock, m_memoryDock, m_benchmarkDock})
        dock->hide();
}

QList<QAction*> AnalysisDocks::toggleActions() const
{
    return {m_chartsDock->toggleViewAction(), m_memoryDock->toggleViewAction(), m_benchmarkDock->toggleViewAction()};
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
