#include "app/window/BenchmarkWorker.h"
#include "core/tensor/TensorOps.h"

#include <QThread>
#include <QtTest>

using kvlab::BenchmarkWorker;

// The benchmark worker in its own thread, as the Benchmark dock runs it: the
// test listens through queued connections on this (the UI) thread.
class TestBenchmarkWorker : public QObject {
    Q_OBJECT

private:
    struct Received {
        QList<kv::MachineRates> rates;
        QList<kv::BenchmarkStep> steps;
        QList<kv::BenchmarkSummary> summaries;
        QStringList failures;
        QList<Qt::HANDLE> threads; // where each slot ran
    };

    QThread m_thread;
    BenchmarkWorker* m_worker = nullptr;
    Received m_received;

    void listen()
    {
        Received& received = m_received;
        connect(m_worker, &BenchmarkWorker::ratesMeasured, this, [&received](const kv::MachineRates& rates) {
            received.rates << rates;
        });
        connect(m_worker, &BenchmarkWorker::stepDone, this, [&received](const kv::BenchmarkStep& step) {
            received.steps << step;
            received.threads << QThread::currentThreadId();
        });
        connect(m_worker, &BenchmarkWorker::finished, this, [&received](const kv::BenchmarkSummary& summary) {
            received.summaries << summary;
        });
        connect(m_worker, &BenchmarkWorker::failed, this, [&received](const QString& message) {
            received.failures << message;
        });
    }

    void start(const QString& shape, int tokens, int promptTokens, int threads = 1)
    {
        QMetaObject::invokeMethod(m_worker, [=, this] { m_worker->run(shape, tokens, promptTokens, threads); },
                                  Qt::QueuedConnection);
    }

private slots:
    void init()
    {
        m_received = {};
        m_worker = new BenchmarkWorker;
        m_worker->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        listen();
        m_thread.start();
    }

    void cleanup()
    {
        m_thread.quit();
        QVERIFY(m_thread.wait(30000));
        m_worker = nullptr;
    }

    void deliversOneStepPerStepAndPath()
    {
        start(QStringLiteral("tiny"), 6, 2);
        QTRY_COMPARE_WITH_TIMEOUT(m_received.summaries.size(), 1, 60000);

        QCOMPARE(m_received.rates.size(), 1);
        const kv::MachineRates& rates = m_received.rates.first();
        QVERIFY(rates.valid());
        // 2 prompt tokens + 6 new: the last uncached pass feeds 7 rows.
        QCOMPARE(rates.matmulCurve.front().rows, 1);
        QCOMPARE(rates.matmulCurve.back().rows, 7);
        QCOMPARE(m_received.steps.size(), 12);
        for (int i = 0; i < m_received.steps.size(); ++i) {
            QCOMPARE(m_received.steps[i].step, i / 2);
            QCOMPARE(m_received.steps[i].path, i % 2 == 0 ? kv::DecodeMode::Cached : kv::DecodeMode::Uncached);
            QVERIFY(m_received.threads[i] == QThread::currentThreadId());
        }
        const kv::BenchmarkSummary& summary = m_received.summaries.first();
        QVERIFY(!summary.cancelled);
        QCOMPARE(summary.comparedSteps(), 6);
        // Priced at the better compute ceiling of those measured before and after the run.
        QVERIFY(summary.rates.gbps >= rates.gbps);
        QVERIFY(summary.rates.peakGflops() >= rates.peakGflops());
        QCOMPARE(summary.rates.matmulCurve.size(), rates.matmulCurve.size());
        QCOMPARE(rates.threads, 1);
        QVERIFY(rates.peakGemmGflops > 0.0);
        for (const kv::BenchmarkStep& step : summary.uncachedSteps)
            QCOMPARE(step.gflops, summary.rates.peakGflops());
        // The memory read before the first pass and after each of the 12,
        // every pass priced at the reads around it.
        QCOMPARE(summary.bandwidthReads.size(), std::size_t(13));
        for (std::size_t i = 0; i < summary.cachedSteps.size(); ++i)
            QCOMPARE(summary.cachedSteps[i].gbps, (summary.bandwidthReads[2 * i] + summary.bandwidthReads[2 * i + 1]) / 2.0);
        QVERIFY(m_received.failures.isEmpty());
    }

    void measuresAndRunsOnTheThreadsAskedFor()
    {
        const int cores = QThread::idealThreadCount();
        start(QStringLiteral("tiny"), 2, 1, cores);
        QTRY_COMPARE_WITH_TIMEOUT(m_received.summaries.size(), 1, 60000);
        QCOMPARE(m_received.rates.first().threads, cores);
        QCOMPARE(m_received.summaries.first().rates.threads, cores);
        QCOMPARE(kv::computeThreads(), cores);
    }

    void cancelStopsTheRun()
    {
        // Cancel from the worker's own thread as step 3 is emitted, so the
        // test does not race a run that takes milliseconds.
        int emitted = 0;
        connect(m_worker, &BenchmarkWorker::stepDone, m_worker, [&emitted, this] {
            if (++emitted == 3)
                m_worker->cancel();
        }, Qt::DirectConnection);
        start(QStringLiteral("tiny"), 10, 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_received.summaries.size(), 1, 60000);
        QCOMPARE(m_received.steps.size(), 3);
        QVERIFY(m_received.summaries.first().cancelled);
        QCOMPARE(m_received.summaries.first().comparedSteps(), 1);
    }

    void cancelFromTheUiThreadStopsALongRun()
    {
        // The ~10M shape at nearly its whole context would run for minutes.
        start(QStringLiteral("small"), 500, 12);
        QTRY_VERIFY_WITH_TIMEOUT(!m_received.steps.isEmpty(), 120000);
        m_worker->cancel();
        QTRY_COMPARE_WITH_TIMEOUT(m_received.summaries.size(), 1, 120000);
        QVERIFY(m_received.summaries.first().cancelled);
        QVERIFY(m_received.steps.size() < 1000);
    }

    void aNewRunAfterACancelRunsToTheEnd()
    {
        const auto cancelling = connect(m_worker, &BenchmarkWorker::ratesMeasured, m_worker,
                                        [this] { m_worker->cancel(); }, Qt::DirectConnection);
        start(QStringLiteral("tiny"), 4, 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_received.summaries.size(), 1, 60000);
        QVERIFY(m_received.summaries.first().cancelled);

        disconnect(cancelling);
        start(QStringLiteral("tiny"), 4, 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_received.summaries.size(), 2, 60000);
        QVERIFY(!m_received.summaries.last().cancelled);
        QCOMPARE(m_received.summaries.last().comparedSteps(), 4);
    }

    void badRequestFails()
    {
        start(QStringLiteral("tiny"), 100, 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_received.failures.size(), 1, 60000);
        QVERIFY2(m_received.failures.first().contains("16-token context"), qPrintable(m_received.failures.first()));
        QVERIFY(m_received.summaries.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestBenchmarkWorker)
#include "tst_benchmarkworker.moc"
