#pragma once

#include "app/window/BenchmarkWorker.h" // declares the benchmark types to Qt
#include "views/style/Theme.h"

#include <QThread>
#include <QWidget>

class QComboBox;
class QCustomPlot;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace kvlab {

class RooflineChart;

// The timed run of both decode paths on a larger shape with random weights:
// choices, Run/Cancel, progress, per-token latency and cumulative time plotted
// as steps arrive, and the measured speedup beside its two predictions.
class BenchmarkPanel : public QWidget {
    Q_OBJECT

public:
    explicit BenchmarkPanel(QWidget* parent = nullptr);
    ~BenchmarkPanel() override;

    void setTheme(const Theme& theme);
    void setup(const QString& shape, int tokens, int promptTokens); // for the Claims menu
    void setThreads(int threads);
    bool running() const { return m_running; }
    QCustomPlot* latencyPlot() const { return m_latency; }
    QCustomPlot* cumulativePlot() const { return m_cumulative; }
    RooflineChart* roofline() const { return m_roofline; }
    QLabel* verdict() const { return m_verdict; }
    QSpinBox* threads() const { return m_threads; }

public slots:
    void start();
    void cancel();

signals:
    void runRequested(const QString& shape, int tokens, int promptTokens, int threads);
    void summaryReady(const kv::BenchmarkSummary& summary);

private:
    void buildPlots();
    void addStep(const kv::BenchmarkStep& step);
    void showSummary(const kv::BenchmarkSummary& summary);
    void setRunning(bool running);

    QThread m_thread;
    BenchmarkWorker* m_worker;
    QComboBox* m_shape;
    QSpinBox* m_tokens;
    QSpinBox* m_promptTokens;
    QSpinBox* m_threads;
    QPushButton* m_run;
    QProgressBar* m_progress;
    QLabel* m_rates;
    QLabel* m_verdict;
    QCustomPlot* m_latency;
    QCustomPlot* m_cumulative;
    RooflineChart* m_roofline;
    QTabWidget* m_lowerPlots;
    Theme m_theme = Theme::light();
    bool m_running = false;
    double m_totalCached = 0;
    double m_totalUncached = 0;
};

} // namespace kvlab
