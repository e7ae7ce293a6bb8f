// The per-step charts at 5, 9, 20 and 200 steps in docks of several sizes:
// no two tick labels of an axis overlap, every axis title fits its axis (a
// shorter form or elided, never cut at the widget's edge), and past a few
// dozen steps the per-step bars give way to an area per path.
#include "views/charts/CostChart.h"
#include "core/lab/LazyWalkThrough.h"
#include "views/charts/ProbabilityChart.h"
#include "views/playback/Lesson.h"
#include "views/charts/ScalingChart.h"
#include "views/charts/FittedTicker.h"
#include "tests/support/AxisTitleCheck.h"
#include "tests/support/TestModels.h"

#include <QVBoxLayout>
#include <QtTest>

#include <qcustomplot.h>

using namespace kvlab;

namespace {

// A random model with the shipped words, room for 256 tokens, one prompt
// token and `steps` decode steps (steps 0..steps-1).
std::shared_ptr<const Lesson> lessonOf(int steps)
{
    const kv::ModelBundle& words = kvtest::shippedModel(QStringLiteral("tiny-mha"));
    const kv::ModelConfig config = kv::ModelConfig::gpt2("random-2x64", 2, 64, 4, 4, 256, words.config().vocabSize);
    auto model = std::make_shared<const kv::Transformer>(kvtest::randomTransformer(config, 5, 0.1f));
    kv::GenerationSettings settings;
    settings.maxNewTokens = steps;
    settings.stopAtEos = false;
    auto walk = std::make_shared<kv::LazyWalkThrough>(
        model,
        kv::runWalkThrough(*model, kvtest::randomTokens(1, config.vocabSize), settings, words.tokenizer->eosId(),
                           kv::UncachedPasses::OnDemand),
        settings.sampling);
    auto lesson = std::make_shared<Lesson>(std::move(walk));
    lesson->tokenizer = words.tokenizer;
    lesson->modelName = QStringLiteral("random-2x64");
    return lesson;
}

// Where QCustomPlot draws each visible tick label of `axis`: its text's box
// in the tick label font, centred on the tick along the axis, all at the same
// distance across it (labels of one axis sit on one line).
QList<QPair<QRectF, QString>> tickLabelBoxes(const QCPAxis& axis)
{
    const QFontMetricsF metrics(axis.tickLabelFont());
    const QVector<double> ticks = axis.tickVector();
    const QVector<QString> labels = axis.tickVectorLabels();
    QList<QPair<QRectF, QString>> boxes;
    for (int i = 0; i < ticks.size(); ++i) {
        if (!axis.range().contains(ticks[i]) || labels[i].isEmpty())
            continue;
        QRectF box = metrics.boundingRect(QRectF(), Qt::TextDontClip | Qt::AlignCenter, labels[i]);
        const double along = axis.coordToPixel(ticks[i]);
        if (axis.orientation() == Qt::Horizontal)
            box.moveCenter(QPointF(along, 0));
        else if (axis.axisType() == QCPAxis::atLeft)
            box.moveTopRight(QPointF(0, along - box.height() / 2));
        else
            box.moveTopLeft(QPointF(0, along - box.height() / 2));
        boxes << qMakePair(box, labels[i]);
    }
    return boxes;
}

void checkAxes(QCustomPlot& plot, const QString& where)
{
    const QString clipped = kvtest::clippedAxisTitle(plot);
    QVERIFY2(clipped.isEmpty(), qPrintable(where + QStringLiteral(": ") + clipped));
    for (QCPAxisRect* rect : plot.axisRects()) {
        for (QCPAxis* axis : rect->axes()) {
            if (!axis->visible() || !axis->tickLabels())
                continue;
            const auto boxes = tickLabelBoxes(*axis);
            QVERIFY2(!boxes.isEmpty() || axis->axisType() == QCPAxis::atTop || axis->axisType() == QCPAxis::atRight,
                     qPrintable(where + QStringLiteral(": an axis without labels")));
            for (int i = 0; i < boxes.size(); ++i)
                for (int j = i + 1; j < boxes.size(); ++j)
                    QVERIFY2(!boxes[i].first.intersects(boxes[j].first),
                             qPrintable(QStringLiteral("%1: axis %2, labels \"%3\" and \"%4\" overlap")
                                            .arg(where)
                                            .arg(int(axis->axisType()))
                                            .arg(boxes[i].second, boxes[j].second)));
        }
    }
}

// Lays `chart` out at `size` as a dock would show it (or at its minimum
// width, for a chart that has one), and replots.
template <typename Chart>
void layOut(Chart& chart, QSize size)
{
    size = size.expandedTo(chart.minimumSizeHint());
    chart.resize(size);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.layout()->activate();
    QCOMPARE(chart.plot()->width(), size.width());
    chart.plot()->replot(QCustomPlot::rpImmediateRefresh);
}

} // namespace

class TestChartTicks : public QObject {
    Q_OBJECT

private slots:
    void tickLabelsNeverOverlap_data()
    {
        QTest::addColumn<int>("steps");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("presenting");
        for (int steps : {5, 9, 20, 200})
            for (QSize size : {QSize(360, 240), QSize(400, 300), QSize(700, 500), QSize(1100, 700)})
                for (bool presenting : {false, true})
                    QTest::addRow("%d steps %dx%d%s", steps, size.width(), size.height(), presenting ? " presenting" : "")
                        << steps << size << presenting;
    }

    void tickLabelsNeverOverlap()
    {
        QFETCH(int, steps);
        QFETCH(QSize, size);
        QFETCH(bool, presenting);
        static std::map<int, std::shared_ptr<const Lesson>> lessons;
        auto& lesson = lessons[steps];
        if (!lesson)
            lesson = lessonOf(steps);
        QCOMPARE(lesson->stepCount(), steps);
        Frame frame;
        frame.lesson = lesson;
        frame.step = steps - 1;
        frame.phase = Phase::NextToken;
        frame.theme = presenting ? Theme::light().presenting() : Theme::light();

        CostChart cost;
        cost.setFrame(frame);
        layOut(cost, size);
        checkAxes(*cost.plot(), QStringLiteral("cost per step"));
        // Every step has a tick or lies between two, labelled ones a whole number apart.
        const QVector<double> ticks = cost.plot()->axisRect()->axis(QCPAxis::atBottom)->tickVector();
        QVERIFY(ticks.size() >= 2);
        QCOMPARE(ticks.front(), 0.0);
        QVERIFY(ticks.back() + (ticks[1] - ticks[0]) > steps - 1);

        ScalingChart scaling;
        scaling.setFrame(frame);
        layOut(scaling, size);
        checkAxes(*scaling.plot(), QStringLiteral("cost vs length"));

        // Its token labels turn past five bars, which the upright boxes above do not model: only its titles.
        ProbabilityChart attention(ProbabilityChart::Content::AttentionWeights);
        attention.setFrame(frame);
        layOut(attention, size);
        const QString clipped = kvtest::clippedAxisTitle(*attention.plot());
        QVERIFY2(clipped.isEmpty(), qPrintable(QStringLiteral("attention: ") + clipped));
    }

    // The collision of issue 11: "0 prefill" ran into "1" at 9 steps.
    void stepZeroIsANumberLikeTheOthers()
    {
        Frame frame;
        frame.lesson = lessonOf(9);
        frame.phase = Phase::NextToken;
        CostChart cost;
        cost.setFrame(frame);
        layOut(cost, QSize(400, 300));
        QCPAxis* axis = cost.plot()->axisRect()->axis(QCPAxis::atBottom);
        QCOMPARE(axis->tickVectorLabels().front(), QStringLiteral("0"));
        QVERIFY(axis->label().contains(QStringLiteral("0: prefill")));
    }

    void barsBecomeAreasPastAFewDozenSteps()
    {
        for (int steps : {5, 20, CostChart::kMaxBarSteps, CostChart::kMaxBarSteps + 1, 200}) {
            Frame frame;
            frame.lesson = lessonOf(steps);
            frame.phase = Phase::NextToken;
            CostChart cost;
            cost.setFrame(frame);
            const bool bars = steps <= CostChart::kMaxBarSteps;
            QCOMPARE(cost.showsBars(), bars);
            QCustomPlot* plot = cost.plot();
            int visibleBars = 0;
            for (int i = 0; i < plot->plottableCount(); ++i)
                if (auto* series = qobject_cast<QCPBars*>(plot->plottable(i)); series && series->visible())
                    ++visibleBars;
            // Every phase but RoPE, which a learned-position model has no bar for.
            const bool rotary = frame.lesson->config().position == kv::PositionKind::Rotary;
            QCOMPARE(visibleBars, bars ? 2 * (CostChart::kPhases - (rotary ? 0 : 1)) : 0);
            for (QCPGraph* area : {cost.stepAreaWithout(), cost.stepAreaWith()}) {
                QCOMPARE(area->visible(), !bars);
                QCOMPARE(area->dataCount(), steps);
                QCOMPARE(plot->legend->hasItemWithPlottable(area), !bars);
            }
            if (!bars) {
                // The area is the sum of the phases: the step's whole work on each path.
                const auto& run = frame.lesson->run;
                QCOMPARE(cost.stepAreaWithout()->data()->at(steps - 1)->value,
                         double(run.uncached.steps.back().cost.macs.total()));
                QCOMPARE(cost.stepAreaWith()->data()->at(steps - 1)->value,
                         double(run.cached.steps.back().cost.macs.total()));
                QVERIFY(cost.stepAreaWithout()->brush().style() != Qt::NoBrush);
            }
        }
    }

    // Token labels under bars, rotated when there are many: one per bar while
    // they have room, then thinned so that neighbours lie a label's height apart.
    void tokenLabelsUnderBarsAreThinnedToFit()
    {
        const auto lesson = lessonOf(200);
        for (int step : {4, 19, 199}) {
            for (QSize size : {QSize(400, 300), QSize(700, 500)}) {
                Frame frame;
                frame.lesson = lesson;
                frame.step = step;
                frame.phase = Phase::NextToken;
                for (auto content : {ProbabilityChart::Content::AttentionWeights, ProbabilityChart::Content::NextToken}) {
                    ProbabilityChart chart(content);
                    chart.setFrame(frame);
                    layOut(chart, size);
                    const QCPAxis* axis = chart.plot()->xAxis;
                    const QString where = QStringLiteral("step %1, %2x%3").arg(step).arg(size.width()).arg(size.height());
                    const QVector<double> ticks = axis->tickVector();
                    QVERIFY2(ticks.size() >= 2, qPrintable(where));
                    const double angle = std::abs(axis->tickLabelRotation()) * M_PI / 180;
                    const QFontMetricsF metrics(axis->tickLabelFont());
                    if (angle > 0.1) {
                        // Parallel rotated strips: apart across them by more than their height.
                        const double apart = (axis->coordToPixel(ticks[1]) - axis->coordToPixel(ticks[0])) * std::sin(angle);
                        QVERIFY2(apart > metrics.height(), qPrintable(where));
                    } else {
                        checkAxes(*chart.plot(), where);
                    }
                    // Each label is the token under its bar.
                    const auto& record = lesson->run.cached.steps[std::size_t(step)];
                    if (content == ProbabilityChart::Content::AttentionWeights) {
                        QCOMPARE(ticks.back() - ticks.front() + 1 > 0, true);
                        for (int i = 0; i < ticks.size(); ++i)
                            QCOMPARE(axis->tickVectorLabels()[i],
                                     lesson->token(record.keyTokens[std::size_t(std::lround(ticks[i]))]));
                        if (record.keyTokens.size() <= 10)
                            QCOMPARE(ticks.size(), int(record.keyTokens.size())); // all of them while they fit
                    }
                }
            }
        }
    }

    void strideIsTheSmallestRoundNumberThatFits()
    {
        QCOMPARE(FittedTicker::strideFor(9, 900, 30, true), 1.0);    // 100 px a step
        QCOMPARE(FittedTicker::strideFor(9, 300, 40, true), 2.0);    // 33 px a step, 40 wanted
        QCOMPARE(FittedTicker::strideFor(200, 330, 40, true), 50.0); // 1.65 px a step: 25 steps wanted
        QCOMPARE(FittedTicker::strideFor(200, 1000, 40, true), 10.0);
        QCOMPARE(FittedTicker::strideFor(1, 1000, 40, true), 1.0);   // never a fraction of a step
        QCOMPARE(FittedTicker::strideFor(1, 1000, 40, false), 0.05);
        QCOMPARE(FittedTicker::strideFor(3e6, 100, 24, false), 1e6); // 3 labels of 24 px in 100
    }
};

QTEST_MAIN(TestChartTicks)
#include "tst_chartticks.moc"
