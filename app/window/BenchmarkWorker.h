#pragma once

#include "core/lab/BenchmarkStep.h"
#include "core/lab/BenchmarkSummary.h"
#include "core/lab/MachineRates.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>

Q_DECLARE_METATYPE(kv::BenchmarkStep)
Q_DECLARE_METATYPE(kv::BenchmarkSummary)
Q_DECLARE_METATYPE(kv::MachineRates)

namespace kvlab {

// Runs the timed benchmark off the UI thread: move it to a QThread and invoke
// run() through a queued connection; its signals reach the UI thread queued.
class BenchmarkWorker : public QObject {
    Q_OBJECT

public:
    explicit BenchmarkWorker(QObject* parent = nullptr);

    // Safe from any thread. The run stops after the step in progress (the
    // random weights, once being generated, are finished first) and
    // finished() reports it cancelled. run() clears it, so a cancel() that
    // arrives before run() starts is forgotten.
    void cancel();

public slots:
    // Measures the machine on `threads` threads, times both paths on them,
    // and (unless cancelled) measures the machine again: the summary prices
    // every pass at the better ceilings. One of finished() or failed() ends it.
    void run(const QString& shape, int tokens, int promptTokens, int threads);

signals:
    void ratesMeasured(const kv::MachineRates& rates);
    void stepDone(const kv::BenchmarkStep& step);
    void finished(const kv::BenchmarkSummary& summary);
    void failed(const QString& message);

private:
    std::atomic<bool> m_cancelled{false};
};

} // namespace kvlab
