#pragma once

#include "Frame.h"

#include <QObject>

class QAction;
class QDockWidget;
class QMainWindow;

namespace kvlab {

class BenchmarkPanel;
class ChartsPanel;
class MemoryCalculatorPanel;

// The docks beside the walk-through: charts that follow the frame, the KV
// memory calculator and the timed benchmark. Each redraws only while visible.
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
    void showMemory();
    void showBenchmark();

private:
    QDockWidget* addDock(QMainWindow* window, const QString& title, const QString& name, QWidget* content);

    ChartsPanel* m_charts;
    MemoryCalculatorPanel* m_memory;
    BenchmarkPanel* m_benchmark;
    QDockWidget* m_chartsDock;
    QDockWidget* m_memoryDock;
    QDockWidget* m_benchmarkDock;
    Frame m_frame;
    const Lesson* m_liveLesson = nullptr;
};

} // namespace kvlab
