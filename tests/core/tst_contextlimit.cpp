#include "core/cache/CapacityError.h"
#include "tests/support/TestModels.h"
#include "core/decode/TraceGenerator.h"
#include "core/lab/WalkThrough.h"

#include <QtTest>

using namespace kv;

// The context limit of the shipped tiny-mha (16 positions), as a learner meets it:
// the refusal's arithmetic is right, and a prompt too long for a single decode
// step is refused with the longest prompt that works.
class TestContextLimit : public QObject {
    Q_OBJECT

private:
    static const ModelBundle& model() { return kvtest::shippedModel("tiny-mha"); }

    // `count` tokens of "I saw a beautiful car I saw ...".
    static std::vector<int> prompt(int count)
    {
        const std::vector<int> sentence = model().tokenizer->encode("I saw a beautiful car");
        std::vector<int> tokens;
        for (int i = 0; i < count; ++i)
            tokens.push_back(sentence[static_cast<std::size_t>(i) % sentence.size()]);
        return tokens;
    }

    static QString refusal(int promptLength, int maxNew)
    {
        GenerationSettings settings;
        settings.maxNewTokens = maxNew;
        try {
            runWalkThrough(*model().model, prompt(promptLength), settings, model().tokenizer->eosId());
        } catch (const CapacityError& error) {
            return QString::fromUtf8(error.what());
        }
        return {};
    }

private slots:
    void contextIsSixteen() { QCOMPARE(model().config().nPositions, 16); }

    void theLongestPromptIsFourteen() { QCOMPARE(longestPrompt(model().config()), 14); }

    void promptWithoutRoomForADecodeStepIsRefused_data()
    {
        QTest::addColumn<int>("length");
        QTest::addColumn<int>("maxNew");
        for (const int length : {15, 16, 19})
            for (const int maxNew : {0, 1})
                QTest::addRow("%d tokens, max-new %d", length, maxNew) << length << maxNew;
    }

    void promptWithoutRoomForADecodeStepIsRefused()
    {
        QFETCH(int, length);
        QFETCH(int, maxNew);
        const QString message = refusal(length, maxNew);
        QCOMPARE(message, QStringLiteral("a prompt of %1 tokens leaves no room for a decode step in the model's context "
                                         "of 16 tokens: a prompt can be at most 14 tokens long, so that a prefill and "
                                         "at least one decode step fit")
                              .arg(length));
    }

    void theLongestPromptGetsADecodeStep()
    {
        const WalkThrough run = runWalkThrough(*model().model, prompt(14), {}, model().tokenizer->eosId());
        QCOMPARE(run.stepCount(), std::size_t(2));
        QVERIFY(run.cached.steps[0].prefill);
        QVERIFY(!run.cached.steps[1].prefill);
        QCOMPARE(run.cached.steps[1].positions.back(), 14);
    }

    void budgetBeyondTheContextCountsRight_data()
    {
        QTest::addColumn<int>("length");
        QTest::addColumn<int>("maxNew");
        QTest::addColumn<QString>("expected");
        QTest::newRow("1 + 40") << 1 << 40
                                << "a prompt of 1 token plus 40 tokens to generate exceeds the model's context of 16 "
                                   "tokens: after this prompt at most 15 tokens fit";
        QTest::newRow("14 + 3") << 14 << 3
                                << "a prompt of 14 tokens plus 3 tokens to generate exceeds the model's context of 16 "
                                   "tokens: after this prompt at most 2 tokens fit";
    }

    void budgetBeyondTheContextCountsRight()
    {
        QFETCH(int, length);
        QFETCH(int, maxNew);
        QFETCH(QString, expected);
        QCOMPARE(refusal(length, maxNew), expected);
    }

    void budgetThatFitsIsAccepted()
    {
        QVERIFY(refusal(1, 15).isEmpty());
        QVERIFY(refusal(14, 2).isEmpty());
    }

    void theAutomaticBudgetIsNeverNegative()
    {
        const ModelConfig& config = model().config();
        QCOMPARE(effectiveMaxNewTokens(config, 19, {}), 0);
        QCOMPARE(effectiveMaxNewTokens(config, 16, {}), 0);
        QCOMPARE(effectiveMaxNewTokens(config, 14, {}), 2);
        GenerationSettings settings;
        settings.maxNewTokens = 3;
        QCOMPARE(effectiveMaxNewTokens(config, 14, settings), 3);
    }
};

QTEST_GUILESS_MAIN(TestContextLimit)
#include "tst_contextlimit.moc"
