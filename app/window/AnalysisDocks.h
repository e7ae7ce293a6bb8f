#pragma once

#include "views/playback/Frame.h"

#include <QObject>

class QAction;
class QDockWidget;
class QMainWindow;
class QScrollArea;
class QWidget;

namespace kvlab {

class AllHeadsWidget;
class BenchmarkPanel;
class ChartsPanel;
class DiagramWidget;
class MemoryCalculatorPanel;

// The docks beside the walk-through: charts that follow the frame, the KV
// memory calculator, the timed benchmark, the whole cache and all heads at
// the step (both hidden until asked for). Each redraws only while visible.
class AnalysisDocks : public QObject {
    Q_OBJECT

public:
    explicit AnalysisDocks(QMainWindow* window);

    void setFrame(const Frame& frame);
    void setTheme(const Theme& theme);
    void hideAll();
    QList<QAction*> toggleActions() const;

    ChartsPanel* charts() const { return m_charts; }
    MemoryCalculatorPanel* memory() const { return m_memory; }
    BenchmarkPanel* benchmark() const { return m_benchmark; }
    DiagramWidget* wholeCache() const { return m_wholeCache; }
    AllHeadsWidget* allHeads() const { return m_allHeads; }
    QDockWidget* wholeCacheDock() const { return m_wholeCacheDock; }
    QDockWidget* allHeadsDock() const { return m_allHeadsDock; }
    void showMemory();
    void showBenchmark();

signals:
    // A head clicked in the all-heads grid: show it in the panes.
    void headChosen(int layer, int head);

private:
    QDockWidget* addDock(QMainWindow* window, const QString& title, const QString& name, QWidget* content);
    QDockWidget* addDiagramDock(QMainWindow* window, const QString& title, const QString& name, DiagramWidget* content);
    static bool onScreen(const QDockWidget* dock);
    static QScrollArea* scrolling(QWidget* content); // `content` in a scroll area, at its minimum size or larger

    ChartsPanel* m_charts;
    MemoryCalculatorPanel* m_memory;
    BenchmarkPanel* m_benchmark;
    QDockWidget* m_chartsDock;
    QDockWidget* m_memoryDock;
    QDockWidget* m_benchmarkDock;
    DiagramWidget* m_wholeCache;
    AllHeadsWidget* m_allHeads;
    QDockWidget* m_wholeCacheDock;
    QDockWidget* m_allHeadsDock;
    Frame m_frame;
    const Lesson* m_liveLesson = nullptr;
};

} // namespace kvlab
