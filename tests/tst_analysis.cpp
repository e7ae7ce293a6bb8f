#include "BenchmarkPanel.h"
#include "ClaimVerdicts.h"
#include "CliOptions.h"
#include "MainWindow.h"
#include "RooflineChart.h"

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
        QVERIFY(verdict.contains(QStringLiteral("327,680 B (320 KiB)")));
        QVERIFY(verdict.contains(QStringLiteral("1.3 GB for 4,096 tokens")));
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
