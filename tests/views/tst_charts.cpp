#include "app/window/AssetLocator.h"
#include "views/charts/ChartsPanel.h"
#include "views/charts/CostChart.h"
#include "app/window/LessonFactory.h"
#include "views/charts/ProbabilityChart.h"
#include "views/charts/RooflineChart.h"
#include "views/charts/ScalingChart.h"

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

    void costChartLegendsLeaveTheDataClear_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("charts dock at 1024 wide") << QSize(436, 610);
        QTest::newRow("charts under the sampling dock at 1024x768") << QSize(436, 420);
        QTest::newRow("roomy") << QSize(600, 700);
    }

    // Each legend sits at the top left of its chart; no bar top and no point
    // of a line may be under it, at any size (at 1024 wide it hid steps 1-2).
    void costChartLegendsLeaveTheDataClear()
    {
        QFETCH(QSize, size);
        CostChart chart;
        chart.resize(size);
        chart.setFrame(m_frame);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        QCustomPlot* plot = chart.plot();
        for (int pass = 0; pass < 3; ++pass) // the legends' room is settled by the replots it asks for
            plot->replot(QCustomPlot::rpImmediateRefresh);
        int checked = 0;
        for (QCPAxisRect* rect : plot->axisRects()) {
            QRect legend;
            for (int i = 0; i < rect->insetLayout()->elementCount(); ++i)
                if (auto* found = qobject_cast<QCPLegend*>(rect->insetLayout()->elementAt(i)); found && found->visible())
                    legend = found->outerRect();
            QVERIFY(!legend.isEmpty());
            for (int p = 0; p < plot->plottableCount(); ++p) {
                QCPAbstractPlottable* plottable = plot->plottable(p);
                if (!plottable->visible() || plottable->keyAxis()->axisRect() != rect)
                    continue;
                auto* data = qobject_cast<QCPGraph*>(plottable);
                auto* bars = qobject_cast<QCPBars*>(plottable);
                const int count = data ? data->dataCount() : bars ? bars->dataCount() : 0;
                for (int k = 0; k < count; ++k) {
                    const double key = data ? data->data()->at(k)->key : bars->data()->at(k)->key;
                    bool found = false;
                    const double top = plottable->getValueRange(found, QCP::sdBoth, QCPRange(key - 0.01, key + 0.01)).upper;
                    const double y = plottable->valueAxis()->coordToPixel(top);
                    const double left = plottable->keyAxis()->coordToPixel(key - (bars ? 0.5 : 0.0));
                    const double right = plottable->keyAxis()->coordToPixel(key + (bars ? 0.5 : 0.0));
                    const bool underLegend = right >= legend.left() && left <= legend.right();
                    QVERIFY2(!underLegend || y > legend.bottom(),
                             qPrintable(QStringLiteral("%1 at step %2: top at y %3, legend %4..%5")
                                            .arg(plottable->name()).arg(key).arg(y).arg(legend.top()).arg(legend.bottom())));
                    ++checked;
                }
            }
        }
        QVERIFY(checked > 40);
    }

    // The stacked bars count every term of the cost model: for tiny-llama
    // (RoPE, SwiGLU's three matrices, the tied classifier) each step's stack
    // is its multiply-add total, and RoPE has a legend entry only there.
    void costChartStacksEveryTermOfTheCostModel()
    {
        LessonFactory llama;
        llama.loadModel(QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-llama"));
        for (const auto& lesson : {llama.normal(QStringLiteral("I"), kv::GenerationSettings{}), m_frame.lesson}) {
            Frame frame = m_frame;
            frame.lesson = lesson;
            CostChart chart;
            chart.resize(600, 700);
            chart.setFrame(frame);
            QCustomPlot* plot = chart.plot();
            std::vector<double> stacked(2 * 5, 0.0);
            QStringList legend;
            for (int i = 0; i < plot->plottableCount(); ++i) {
                auto* series = qobject_cast<QCPBars*>(plot->plottable(i));
                if (!series)
                    continue;
                for (int step = 0; step < 5; ++step)
                    stacked[std::size_t((i % 2) * 5 + step)] += series->data()->at(step)->value;
                if (plot->legend->hasItemWithPlottable(series))
                    legend << series->name();
                if (series->name() == QStringLiteral("RoPE"))
                    QCOMPARE(series->visible(), lesson->config().position == kv::PositionKind::Rotary);
            }
            const bool rotary = lesson->config().position == kv::PositionKind::Rotary;
            for (int step = 0; step < 5; ++step) {
                QCOMPARE(stacked[std::size_t(step)], double(lesson->run.uncached.steps[std::size_t(step)].cost.macs.total()));
                QCOMPARE(stacked[std::size_t(5 + step)], double(lesson->run.cached.steps[std::size_t(step)].cost.macs.total()));
            }
            QCOMPARE(legend.contains(QStringLiteral("RoPE")), rotary);
            QVERIFY(legend.contains(QStringLiteral("MLP")));
            if (rotary)
                QVERIFY(lesson->run.cached.steps[1].cost.macs.rotary > 0);
        }
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

    // Ceilings from the rates, a point per pass at its intensity and rate.
    void rooflinePlacesEachPassUnderTheCeilings()
    {
        RooflineChart chart;
        chart.resize(600, 450);
        const kv::MachineRates rates{{{1, 10.0}, {100, 40.0}}, 20.0}; // ridge at 40 / 20 = 2 FLOP/B
        chart.setRates(rates);
        const auto memory = chart.memoryCeiling()->data();
        const auto compute = chart.computeCeiling()->data();
        QCOMPARE(memory->size(), 2);
        QCOMPARE(memory->at(0)->value / memory->at(0)->key, 20.0); // GB/s x FLOP/B = GFLOP/s
        QCOMPARE(memory->at(1)->key, 2.0);
        QCOMPARE(memory->at(1)->value, 40.0);
        QCOMPARE(compute->at(0)->key, 2.0);
        QCOMPARE(compute->at(1)->value, 40.0);

        kv::BenchmarkStep decode;
        decode.path = kv::DecodeMode::Cached;
        decode.macs = 250'000'000;
        decode.bytesRead = 500'000'000;
        decode.wallMs = 50.0;
        kv::BenchmarkStep recompute = decode;
        recompute.path = kv::DecodeMode::Uncached;
        recompute.macs = 8'000'000'000;
        recompute.wallMs = 640.0;
        chart.addStep(decode);
        chart.addStep(recompute);
        QCOMPARE(chart.points(kv::DecodeMode::Cached)->dataCount(), 1);
        QCOMPARE(chart.points(kv::DecodeMode::Cached)->data()->at(0)->key, 1.0);    // 5e8 FLOP / 5e8 B
        QCOMPARE(chart.points(kv::DecodeMode::Cached)->data()->at(0)->value, 10.0); // 5e8 FLOP in 50 ms
        QCOMPARE(chart.points(kv::DecodeMode::Uncached)->data()->at(0)->key, 32.0);
        QCOMPARE(chart.points(kv::DecodeMode::Uncached)->data()->at(0)->value, 25.0);
        // Both points and the ridge are inside the axes.
        for (double x : {1.0, 2.0, 32.0})
            QVERIFY(chart.plot()->xAxis->range().contains(x));
        for (double y : {10.0, 25.0, 40.0})
            QVERIFY(chart.plot()->yAxis->range().contains(y));
        QVERIFY(distinctColours(chart.plot()->toPixmap(600, 450).toImage()) > 10);

        chart.clear();
        QCOMPARE(chart.points(kv::DecodeMode::Uncached)->dataCount(), 0);
        QCOMPARE(chart.memoryCeiling()->dataCount(), 2); // the machine is still the machine
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
