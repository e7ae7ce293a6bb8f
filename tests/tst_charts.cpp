#include "AssetLocator.h"
#include "ChartsPanel.h"
#include "CostChart.h"
#include "LessonFactory.h"
#include "ProbabilityChart.h"
#include "ScalingChart.h"

#include <QtTest>

#include <qcustomplot.h>

#include <set>

using namespace kvlab;

namespace {

int distinctColours(const QImage& image)
{
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return static_cast<int>(colours.size());
}

} // namespace

class TestCharts : public QObject {
    Q_OBJECT

private:
    LessonFactory m_factory;
    Frame m_frame;

private slots:
    void initTestCase()
    {
        m_factory.loadModel(AssetLocator::defaultModelDir());
        m_frame.lesson = m_factory.normal(QStringLiteral("I"), kv::GenerationSettings{});
        m_frame.step = 3;
        m_frame.phase = Phase::NextToken;
    }

    void costChartHasOnePointPerStepAndPhase()
    {
        CostChart chart;
        chart.resize(600, 700);
        chart.setFrame(m_frame);
        const auto& run = m_frame.lesson->run;
        QCustomPlot* plot = chart.plot();
        int bars = 0;
        for (int i = 0; i < plot->plottableCount(); ++i) {
            if (auto* series = qobject_cast<QCPBars*>(plot->plottable(i))) {
                QCOMPARE(series->dataCount(), 5);
                ++bars;
            }
        }
        QCOMPARE(bars, 2 * CostChart::kPhases);
        // The first graph is the running total without the cache.
        QCOMPARE(plot->graph(0)->dataCount(), 5);
        QCOMPARE(plot->graph(0)->data()->at(4)->value, double(run.uncached.totalMacs(4).total()));
        QCOMPARE(plot->graph(1)->data()->at(4)->value, double(run.cached.totalMacs(4).total()));
        QCOMPARE(plot->graph(2)->data()->at(2)->value, double(run.cached.steps[2].cost.kvBytes));
        QVERIFY(distinctColours(plot->toPixmap(600, 700).toImage()) > 20);
    }

    // Each path's phases stack in one column, left (without cache) and
    // right (with it) of the step: stacked bars follow their base's offset.
    void stackedPhasesStayInTheirPathsColumn()
    {
        CostChart chart;
        chart.resize(600, 700);
        chart.setFrame(m_frame);
        QCustomPlot* plot = chart.plot();
        plot->toPixmap(600, 700); // lays the plot out
        QList<QCPBars*> uncached;
        QList<QCPBars*> cached;
        for (int i = 0; i < plot->plottableCount(); ++i)
            if (auto* series = qobject_cast<QCPBars*>(plot->plottable(i)))
                (i % 2 == 0 ? uncached : cached) << series; // built in pairs: without, with
        QCOMPARE(uncached.size(), CostChart::kPhases);
        for (int step = 0; step < 5; ++step) {
            const double left = uncached.first()->dataPixelPosition(step).x();
            const double right = cached.first()->dataPixelPosition(step).x();
            QVERIFY2(right - left > 10, qPrintable(QStringLiteral("step %1: %2 vs %3").arg(step).arg(left).arg(right)));
            for (int phase = 1; phase < CostChart::kPhases; ++phase) {
                QCOMPARE(uncached[phase]->dataPixelPosition(step).x(), left);
                QCOMPARE(cached[phase]->dataPixelPosition(step).x(), right);
            }
        }
    }

    void costVsLengthEqualsTheRecordsOfARealRun()
    {
        ScalingChart chart;
        chart.setFrame(m_frame);
        const kv::ModelConfig& config = m_frame.lesson->config();
        QCOMPARE(chart.stepWithout()->dataCount(), config.nPositions);
        QCOMPARE(chart.memory()->dataCount(), config.nPositions);
        const auto& run = m_frame.lesson->run;
        for (std::size_t s = 0; s < run.stepCount(); ++s) {
            const int length = static_cast<int>(run.cached.steps[s].keyTokens.size());
            QCOMPARE(chart.stepWithout()->data()->at(length - 1)->value, double(run.uncached.steps[s].cost.macs.total()));
            if (s > 0)
                QCOMPARE(chart.stepWith()->data()->at(length - 1)->value, double(run.cached.steps[s].cost.macs.total()));
            QCOMPARE(chart.memory()->data()->at(length - 1)->value, double(run.cached.steps[s].cost.kvBytes));
            QCOMPARE(chart.totalWithout()->data()->at(length - 1)->value, double(run.uncached.totalMacs(s).total()));
            QCOMPARE(chart.totalWith()->data()->at(length - 1)->value, double(run.cached.totalMacs(s).total()));
        }
        QVERIFY(distinctColours(chart.plot()->toPixmap(600, 400).toImage()) > 20);
    }

    void nextTokenChartShowsTheTopTokens()
    {
        ProbabilityChart chart(ProbabilityChart::Content::NextToken);
        chart.setFrame(m_frame);
        QCOMPARE(chart.bars()->dataCount(), ProbabilityChart::kTopK);
        QCOMPARE(chart.chosen()->dataCount(), 1);
        auto* ticker = static_cast<QCPAxisTickerText*>(chart.plot()->xAxis->ticker().data());
        QCOMPARE(ticker->ticks().value(chart.chosen()->data()->at(0)->key), QStringLiteral("car"));
        double previous = 2.0;
        for (int i = 0; i < chart.bars()->dataCount(); ++i) {
            QVERIFY(chart.bars()->data()->at(i)->value <= previous);
            previous = chart.bars()->data()->at(i)->value;
        }
    }

    void attentionChartShowsOneBarPerKey()
    {
        ProbabilityChart chart(ProbabilityChart::Content::AttentionWeights);
        chart.setFrame(m_frame);
        QCOMPARE(chart.bars()->dataCount(), 4);
        double sum = 0;
        for (int i = 0; i < chart.bars()->dataCount(); ++i)
            sum += chart.bars()->data()->at(i)->value;
        QVERIFY(std::abs(sum - 1.0) < 1e-5);
    }

    void panelFollowsTheFrame()
    {
        ChartsPanel panel;
        panel.setFrame(m_frame);
        QCOMPARE(panel.cost()->plot()->graph(0)->dataCount(), 5);
        panel.setCurrentWidget(panel.probabilities());
        QCOMPARE(panel.probabilities()->bars()->dataCount(), ProbabilityChart::kTopK);
    }
};

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
