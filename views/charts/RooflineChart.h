#pragma once

#include "core/lab/BenchmarkStep.h"
#include "core/lab/MachineRates.h"
#include "views/style/Theme.h"

#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPItemText;

namespace kvlab {

// The classic roofline of a timed run, on log-log axes: the machine's two
// ceilings (memory bandwidth times arithmetic intensity, then the peak
// matrix-multiply rate) and every timed pass as a point at its intensity
// (FLOP per byte it reads) and the rate it attained. Cached decode steps sit
// far left, under the memory slope; the uncached recompute moves right,
// towards the compute roof, as the sequence grows.
class RooflineChart : public QWidget {
    Q_OBJECT

public:
    explicit RooflineChart(QWidget* parent = nullptr);

    void setTheme(const Theme& theme);
    void setRates(const kv::MachineRates& rates); // draws the ceilings
    void addStep(const kv::BenchmarkStep& step);  // one point
    void clear();

    QCustomPlot* plot() const { return m_plot; }
    QCPGraph* memoryCeiling() const { return m_memoryCeiling; }
    QCPGraph* computeCeiling() const { return m_computeCeiling; }
    QCPGraph* points(kv::DecodeMode path) const;

    // FLOP per byte read, and 10^9 FLOP per second attained.
    static double intensity(const kv::BenchmarkStep& step);
    static double attainedGflops(const kv::BenchmarkStep& step);

private:
    void fitRanges();

    QCustomPlot* m_plot;
    QCPGraph* m_memoryCeiling;
    QCPGraph* m_computeCeiling;
    QCPGraph* m_cached;
    QCPGraph* m_uncached;
    QCPItemText* m_memoryBound;
    QCPItemText* m_computeBound;
    kv::MachineRates m_rates;
};

} // namespace kvlab
