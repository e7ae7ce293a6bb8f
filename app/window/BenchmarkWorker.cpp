#include "app/window/BenchmarkWorker.h"

#include "core/lab/BandwidthProbe.h"
#include "core/lab/BenchmarkRunner.h"
#include "core/util/KvError.h"

#include <new>

namespace kvlab {

BenchmarkWorker::BenchmarkWorker(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<kv::BenchmarkStep>();
    qRegisterMetaType<kv::BenchmarkSummary>();
    qRegisterMetaType<kv::MachineRates>();
}

void BenchmarkWorker::cancel()
{
    m_cancelled = true;
}

void BenchmarkWorker::run(const QString& shape, int tokens, int promptTokens, int threads)
{
    m_cancelled = false;
    try {
        const kv::BenchmarkRunner runner(kv::BenchmarkShape::get(shape.toStdString()), promptTokens, tokens);
        const kv::MachineRates rates = runner.measureRates(threads);
        emit ratesMeasured(rates);
        const kv::BandwidthProbe probe;
        const kv::BenchmarkSummary summary = runner.run(
            rates,
            [this](const kv::BenchmarkStep& step) {
                emit stepDone(step);
                return !m_cancelled;
            },
            [&probe] { return probe.readGbps(); });
        if (summary.cancelled) {
            emit finished(summary);
            return;
        }
        // The ceilings again: the summary prices every pass at the better
        // compute ceiling of the two, and at the bandwidth read around it.
        emit finished(runner.repriced(summary, kv::MachineRates::best(rates, runner.measureRates(threads))));
    } catch (const kv::KvError& error) {
        emit failed(QString::fromStdString(error.what()));
    } catch (const std::bad_alloc&) {
        emit failed(tr("Not enough memory for the %1 shape.").arg(shape));
    }
}

} // namespace kvlab
