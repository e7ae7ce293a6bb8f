#include "app/window/LessonFactory.h"
#include "views/playback/Narrator.h"
#include "views/charts/ProbabilityChart.h"
#include "tests/support/TestModels.h"
#include "views/diagrams/TokenStripDiagram.h"

#include <QProcess>
#include <QtTest>

#include <qcustomplot.h>

using namespace kvlab;
using kv::DecodeMode;

namespace {

kv::GenerationSettings sampling(float temperature, int topK, float topP, std::uint64_t seed)
{
    kv::GenerationSettings settings;
    settings.sampling = kv::SamplingSettings{temperature, topK, topP, seed};
    return settings;
}

// The step of the walk-through whose drawn token is `word`.
int stepChoosing(const Lesson& lesson, const QString& word)
{
    for (int s = 0; s < lesson.stepCount(); ++s)
        if (lesson.token(lesson.run.cached.steps[std::size_t(s)].chosenToken) == word)
            return s;
    return -1;
}

// The bar value at the tick labelled `label`, or -1.
double barAt(const ProbabilityChart& chart, const QString& label)
{
    auto* ticker = static_cast<QCPAxisTickerText*>(chart.plot()->xAxis->ticker().data());
    for (QCPBars* bars : {chart.bars(), chart.chosen()})
        for (int i = 0; i < bars->dataCount(); ++i)
            if (ticker->ticks().value(bars->data()->at(i)->key) == label)
                return bars->data()->at(i)->value;
    return -1;
}

} // namespace

class TestSampling : public QObject {
    Q_OBJECT

private:
    LessonFactory m_factory;

    Frame frameAt(std::shared_ptr<const Lesson> lesson, int step) const
    {
        Frame frame;
        frame.lesson = std::move(lesson);
        frame.step = step;
        frame.phase = Phase::NextToken;
        return frame;
    }

private slots:
    void initTestCase() { m_factory.loadModel(kvtest::shippedModelDir(QStringLiteral("tiny-mha"))); }

    // Item 4: at T = 2.5, seed 7, "tree" is drawn with a small but real
    // probability; the strip, the chart and the narration quote that
    // distribution, not the model's softmax at T = 1.
    void hotDrawQuotesTheDistributionItWasDrawnFrom()
    {
        const auto lesson = m_factory.normal(QStringLiteral("I"), sampling(2.5f, 0, 1.0f, 7));
        const int step = stepChoosing(*lesson, QStringLiteral("tree"));
        QVERIFY(step > 0);
        const Frame frame = frameAt(lesson, step);
        const kv::StepRecord& record = frame.record(DecodeMode::Cached);
        const kv::SampledDistribution& drawn = record.sampled;
        QVERIFY(drawn.chosenDrawProbability > 0.001f);
        QVERIFY(drawn.chosenDrawProbability > 2 * drawn.chosenModelProbability); // temperature flattened it
        QCOMPARE(Narrator::drawnProbability(record), double(drawn.chosenDrawProbability));
        const QString p = Narrator::probabilityText(drawn.chosenDrawProbability);
        QVERIFY(p != QStringLiteral("0.00"));

        // The token strip's next box.
        TokenStripDiagram strip;
        const auto boxes = strip.boxes(QRectF(0, 0, 1600, 110), frame);
        QCOMPARE(boxes.back().sequenceIndex, -1);
        QVERIFY2(boxes.back().text.contains(QStringLiteral("tree")) && boxes.back().text.contains(QStringLiteral("p = ") + p),
                 qPrintable(boxes.back().text));

        // The chart: [EOS] at its drawn probability, far from the model's ≈ 1.
        ProbabilityChart chart(ProbabilityChart::Content::NextToken);
        chart.setFrame(frame);
        QCOMPARE(drawn.tokens.front(), lesson->tokenizer->eosId());
        QVERIFY(drawn.modelProbability.front() > 0.95f);
        QCOMPARE(barAt(chart, QStringLiteral("[EOS]")), double(drawn.drawProbability.front()));
        QVERIFY(barAt(chart, QStringLiteral("[EOS]")) < 0.9);
        QCOMPARE(chart.chosen()->dataCount(), 1);
        QCOMPARE(chart.chosen()->data()->at(0)->value, double(drawn.chosenDrawProbability));
        QVERIFY(chart.chosenLabel()->visible());
        QCOMPARE(chart.chosenLabel()->text(), QStringLiteral("p = ") + p);
        QVERIFY(chart.model()->visible());
        QCOMPARE(chart.model()->data()->at(0)->value, double(drawn.modelProbability.front()));

        // The narration and both panes' verdicts.
        QVERIFY2(Narrator::narration(frame).contains(QStringLiteral("drawn with p = ") + p), qPrintable(Narrator::narration(frame)));
        QVERIFY(Narrator::paneVerdict(frame, DecodeMode::Cached).text.contains(QStringLiteral("(p = ") + p + QLatin1Char(')')));
    }

    void chartShowsWhereTopKAndTopPCutOff_data()
    {
        QTest::addColumn<int>("topK");
        QTest::addColumn<float>("topP");
        QTest::newRow("top-k 3") << 3 << 1.0f;
        QTest::newRow("top-p 0.6") << 0 << 0.6f;
    }
    void chartShowsWhereTopKAndTopPCutOff()
    {
        QFETCH(int, topK);
        QFETCH(float, topP);
        const auto lesson = m_factory.normal(QStringLiteral("I"), sampling(1.5f, topK, topP, 3));
        const Frame frame = frameAt(lesson, 0);
        const kv::SampledDistribution& drawn = frame.record(DecodeMode::Cached).sampled;
        QVERIFY(drawn.filtered());
        QVERIFY(drawn.kept < ProbabilityChart::kTopK);
        if (topK > 0)
            QCOMPARE(drawn.kept, topK);
        ProbabilityChart chart(ProbabilityChart::Content::NextToken);
        chart.setFrame(frame);
        QVERIFY(chart.cutOff()->visible());
        QCOMPARE(chart.cutOff()->point1->coords().x(), drawn.kept - 0.5);
        double kept = 0;
        for (int i = 0; i < chart.bars()->dataCount(); ++i) {
            const auto bar = chart.bars()->data()->at(i);
            if (bar->key > drawn.kept - 0.5)
                QCOMPARE(bar->value, 0.0);
            else
                kept += bar->value;
        }
        QVERIFY(std::abs(kept - 1.0) < 1e-5); // the kept bars are the whole distribution
    }

    void greedyShowsTheModelWithoutACutOff()
    {
        const auto lesson = m_factory.normal(QStringLiteral("I"), kv::GenerationSettings{});
        const Frame frame = frameAt(lesson, 3);
        ProbabilityChart chart(ProbabilityChart::Content::NextToken);
        chart.setFrame(frame);
        QVERIFY(!chart.cutOff()->visible());
        QVERIFY(!chart.model()->visible());
        const kv::StepRecord& record = frame.record(DecodeMode::Cached);
        QCOMPARE(chart.chosen()->data()->at(0)->value, double(record.sampled.chosenModelProbability));
        QVERIFY(Narrator::nextTokenLabel(frame).contains(
            QStringLiteral("p = %1").arg(Narrator::probabilityText(record.sampled.chosenModelProbability))));
    }

    // --text prints the drawn token's probability from the same distribution.
    void textWalkThroughQuotesTheDrawnProbability()
    {
        QProcess process;
        process.start(QStringLiteral(KVLAB_BINARY), {"--text", "--temperature", "2.5", "--seed", "7"});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        const QStringList lines = QString::fromUtf8(process.readAllStandardOutput()).split('\n');
        const auto lesson = m_factory.normal(QStringLiteral("I"), sampling(2.5f, 0, 1.0f, 7));
        const int step = stepChoosing(*lesson, QStringLiteral("tree"));
        const kv::SampledDistribution& drawn = lesson->run.cached.steps[std::size_t(step)].sampled;
        const QString expected = QStringLiteral("next: tree p=%1 [[EOS] %2")
                                     .arg(double(drawn.chosenDrawProbability), 0, 'f', 3)
                                     .arg(double(drawn.drawProbability.front()), 0, 'f', 3);
        const QStringList found = lines.filter(QRegularExpression(QStringLiteral("^step +%1 ").arg(step)));
        QCOMPARE(found.size(), 1);
        QVERIFY2(found.front().contains(expected), qPrintable(found.front() + QStringLiteral("\nwanted: ") + expected));
    }
};

QTEST_MAIN(TestSampling)
#include "tst_sampling.moc"
