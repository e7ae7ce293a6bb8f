#include "app/window/BenchmarkPanel.h"
#include "views/diagrams/ByteText.h"
#include "app/window/ClaimVerdicts.h"
#include "app/cli/CliOptions.h"
#include "app/window/MainWindow.h"
#include "core/lab/MemoryCalculator.h"
#include "views/memory/MemoryCalculatorPanel.h"
#include "core/lab/ModelPresets.h"
#include "views/charts/RooflineChart.h"
#include "core/lab/GpuPreset.h"

#include <QLabel>
#include <QMenuBar>
#include <QStandardPaths>
#include <QtTest>

#include <qcustomplot.h>

using namespace kvlab;

// The claims of the seed articles and the timed run, as the window shows them.
class TestAnalysis : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("KV Cache Lab Tests"));
    }

    void thirteenBClaimStatesTheSplit()
    {
        const QString verdict = ClaimVerdicts::thirteenBOnA100();
        // 13e9 parameters x 2 B = 26 GB of 40 GB; 7 x 2048 x 819,200 B = 11.74 GB.
        QVERIFY2(verdict.contains(QStringLiteral("weights 26.0 GB = 65.0%")), qPrintable(verdict));
        QVERIFY2(verdict.contains(QStringLiteral("KV cache 11.7 GB = 29.4%")), qPrintable(verdict));
    }

    void llamaClaimHoldsOnlyWithoutGqa()
    {
        const QString verdict = ClaimVerdicts::llama3PerToken();
        QVERIFY(verdict.contains(QStringLiteral("2,621,440 B per token")));
        QVERIFY(verdict.contains(QStringLiteral("327,680 B (328 kB = 320 KiB)")));
        QVERIFY(verdict.contains(QStringLiteral("1.34 GB for 4,096 tokens")));
    }

    // Item 8: the banner quotes the figures the memory panel shows for the same
    // question, and no number in it is typed: remove every computed figure (and
    // the claim's own quoted figures) and no digit is left.
    void llamaClaimQuotesThePanelAndTypesNoFigure()
    {
        MemoryCalculatorPanel panel;
        QVERIFY(panel.showPreset(QStringLiteral("Llama-3-70B"), 4096, 1, QStringLiteral("fp16"), QString(), 64));
        const QString verdict = ClaimVerdicts::llama3PerToken();
        QVERIFY2(verdict.contains(decimalBytes(panel.totalBytes()) + QStringLiteral(" for 4,096 tokens, the claim's ≈10.5 GB")),
                 qPrintable(verdict));
        QVERIFY(verdict.contains(exactBytes(panel.bytesPerToken()) + QStringLiteral(" per token")));
        QVERIFY(!verdict.contains(QStringLiteral("not 10.5 GB")));

        const kv::ModelPreset preset = kv::ModelPresets::get("Llama-3-70B");
        kv::MemorySettings settings;
        settings.context = 4096;
        settings.kvHeads = preset.heads;
        const kv::MemoryCalculator without(preset, settings);
        settings.kvHeads.reset();
        const kv::MemoryCalculator with(preset, settings);
        QString rest = verdict;
        QStringList computed{QString::fromStdString(preset.name), QStringLiteral("fp16"), QStringLiteral("4,096"),
                             QStringLiteral("≈2.5 MB"), QStringLiteral("≈10.5 GB")};
        for (const kv::MemoryCalculator* calculator : {&without, &with}) {
            for (const auto& factor : calculator->factors(1, 1))
                computed << QString::fromStdString(factor.text);
            computed << exactBytes(calculator->bytesPerToken()) << roundedBytes(calculator->bytesPerToken())
                     << decimalBytes(calculator->bytesPerToken()) << decimalBytes(calculator->totalBytes());
        }
        computed << QStringLiteral("its %1 heads").arg(preset.heads) << QStringLiteral("its %1 KV heads").arg(preset.kvHeads);
        std::sort(computed.begin(), computed.end(), [](const QString& a, const QString& b) { return a.size() > b.size(); });
        for (const QString& figure : computed)
            rest.remove(figure);
        QVERIFY2(!rest.contains(QRegularExpression(QStringLiteral("\\d"))), qPrintable(rest));
    }

    void thirteenBClaimTypesNoFigure()
    {
        const QString verdict = ClaimVerdicts::thirteenBOnA100();
        const kv::GpuPreset gpu = kv::GpuPreset::get("A100-40GB");
        kv::MemorySettings settings;
        settings.context = 2048;
        settings.batch = 7;
        const kv::MemoryCalculator opt(kv::ModelPresets::get("OPT-13B"), settings);
        const auto split = opt.split(gpu);
        QString rest = verdict;
        for (const QString& figure :
             {QStringLiteral("OPT-13B"), QStringLiteral("fp16"), gpuLabel(gpu.name), decimalBytes(split.weightsBytes),
              decimalBytes(split.cacheBytes), decimalBytes(split.leftBytes), QStringLiteral("batch 7 × 2,048"),
              QStringLiteral("%1%").arg(100 * split.weightsShare(), 0, 'f', 1),
              QStringLiteral("%1%").arg(100 * split.cacheShare(), 0, 'f', 1), QStringLiteral("≈65%"), QStringLiteral("≈30%")})
            rest.remove(figure);
        QVERIFY2(!rest.contains(QRegularExpression(QStringLiteral("\\d"))), qPrintable(rest));
    }

    void benchmarkPanelPlotsEveryStepAndSummarises()
    {
        BenchmarkPanel panel;
        panel.setup(QStringLiteral("tiny"), 6, 2);
        QSignalSpy done(&panel, &BenchmarkPanel::summaryReady);
        panel.start();
        QVERIFY(panel.running());
        QVERIFY(done.wait(60000));
        QVERIFY(!panel.running());
        QCustomPlot* latency = panel.latencyPlot();
        for (int graph = 0; graph < 4; ++graph)
            QCOMPARE(latency->graph(graph)->dataCount(), 6);
        QCOMPARE(panel.cumulativePlot()->graph(0)->dataCount(), 6);
        QCOMPARE(panel.roofline()->points(kv::DecodeMode::Cached)->dataCount(), 6);
        QCOMPARE(panel.roofline()->points(kv::DecodeMode::Uncached)->dataCount(), 6);
        QCOMPARE(panel.roofline()->memoryCeiling()->dataCount(), 2);
        const auto summary = done.takeFirst().at(0).value<kv::BenchmarkSummary>();
        QCOMPARE(summary.comparedSteps(), 6);
        QVERIFY(panel.verdict()->text().contains(QStringLiteral("measured")));
        QVERIFY(panel.verdict()->text().contains(QStringLiteral("-bound")));
        // The bandwidth read between the passes: 13 reads, their spread named.
        QCOMPARE(summary.bandwidthReads.size(), std::size_t(13));
        const kv::BenchmarkSummary::Spread spread = summary.bandwidthSpread();
        const QString named = QStringLiteral("the memory read at %1–%2 GB/s (median %3)")
                                  .arg(spread.min, 0, 'f', 1)
                                  .arg(spread.max, 0, 'f', 1)
                                  .arg(spread.median, 0, 'f', 1);
        QVERIFY2(panel.verdict()->text().contains(named), qPrintable(panel.verdict()->text()));
    }

    // Issue 15, item 6: the 5× entry says what the speedup depends on, names
    // the bandwidth's spread during the run, and types no figure: remove the
    // figures the benchmark computed (and the claim's own ≈5×) and no digit is left.
    void fiveTimesClaimExplainsWhatTheSpeedupDependsOn()
    {
        BenchmarkPanel panel;
        panel.setup(QStringLiteral("tiny"), 4, 2);
        QSignalSpy done(&panel, &BenchmarkPanel::summaryReady);
        panel.start();
        QVERIFY(done.wait(60000));
        const auto summary = done.takeFirst().at(0).value<kv::BenchmarkSummary>();
        QVERIFY(!summary.bandwidthReads.empty());
        const QString verdict = ClaimVerdicts::fiveTimesFaster(summary);
        for (const char* phrase : {"bound by memory bandwidth", "waits on arithmetic", "grows with the length",
                                   "model's shape", "how fast each path's code is", "GB/s (median"})
            QVERIFY2(verdict.contains(QLatin1String(phrase)), qPrintable(QStringLiteral("%1 missing from: %2").arg(QLatin1String(phrase), verdict)));
        const kv::BenchmarkSummary::Spread spread = summary.bandwidthSpread();
        const QString named = QStringLiteral("%1–%2 GB/s (median %3)")
                                  .arg(spread.min, 0, 'f', 1)
                                  .arg(spread.max, 0, 'f', 1)
                                  .arg(spread.median, 0, 'f', 1);
        QVERIFY2(verdict.contains(named), qPrintable(verdict));

        QStringList computed{named, QStringLiteral("≈5×"), QString::fromStdString(summary.shape),
                             QStringLiteral("%1 tokens").arg(summary.comparedSteps()),
                             QStringLiteral("threads: %1").arg(summary.rates.threads),
                             QStringLiteral("%1×").arg(summary.measuredSpeedup(), 0, 'f', 1),
                             QStringLiteral("%1×").arg(summary.predictedSpeedup(), 0, 'f', 1),
                             QStringLiteral("%1×").arg(summary.rooflineSpeedup(), 0, 'f', 1),
                             QStringLiteral("%1%").arg(100 * summary.fractionOfRoofline(kv::DecodeMode::Cached), 0, 'f', 0),
                             QStringLiteral("%1%").arg(100 * summary.fractionOfRoofline(kv::DecodeMode::Uncached), 0, 'f', 0)};
        std::sort(computed.begin(), computed.end(), [](const QString& a, const QString& b) { return a.size() > b.size(); });
        QString rest = verdict;
        for (const QString& figure : computed)
            rest.remove(figure);
        QVERIFY2(!rest.contains(QRegularExpression(QStringLiteral("\\d"))), qPrintable(rest));
    }

    void claimsMenuShowsItsVerdictInTheWindow()
    {
        MainWindow window(*CliOptions::parse({QStringLiteral("kvcache-lab")}).options);
        QMenu* claims = nullptr;
        for (QAction* action : window.menuBar()->actions())
            if (action->text() == QStringLiteral("&Claims"))
                claims = action->menu();
        QVERIFY(claims);
        claims->actions().at(1)->trigger(); // Llama-3-70B per token
        QVERIFY(!window.claimVerdict()->isHidden());
        QCOMPARE(window.claimVerdict()->text(), ClaimVerdicts::llama3PerToken());
    }
};

QTEST_MAIN(TestAnalysis)
#include "tst_analysis.moc"
