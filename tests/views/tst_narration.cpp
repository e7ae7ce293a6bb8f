#include "views/diagrams/AttentionMatrices.h"
#include "views/diagrams/LegendDiagram.h"
#include "app/window/LessonFactory.h"
#include "views/playback/Narrator.h"
#include "core/util/NumberFormat.h"
#include "tests/support/TestModels.h"
#include "views/diagrams/DiagramWidget.h"
#include "views/diagrams/TokenStripDiagram.h"

#include <QRegularExpression>
#include <QTextDocumentFragment>
#include <QApplication>
#include <QHelpEvent>
#include <QToolTip>
#include <QtTest>

#include <set>

using namespace kvlab;
using kv::DecodeMode;
using Role = MatrixSpec::Role;

namespace {

QString plain(const QString& richText)
{
    return QTextDocumentFragment::fromHtml(richText).toPlainText();
}

// The states of the unmasked cells of one row of a matrix.
std::set<CellState> rowStates(const MatrixSpec& spec, int row)
{
    std::set<CellState> states;
    for (int c = 0; c < spec.cols(); ++c)
        if (spec.state(row, c) != CellState::Masked)
            states.insert(spec.state(row, c));
    return states;
}

} // namespace

class TestNarration : public QObject {
    Q_OBJECT

private:
    LessonFactory m_mha;
    LessonFactory m_gqa;
    std::shared_ptr<const Lesson> m_lesson;

    Frame frameAt(int step, Phase phase, int layer, std::shared_ptr<const Lesson> lesson = {}) const
    {
        Frame frame;
        frame.lesson = lesson ? lesson : m_lesson;
        frame.step = step;
        frame.phase = phase;
        frame.layer = layer;
        return frame;
    }
    int lastLayer() const { return m_lesson->config().nLayer - 1; }

private slots:
    void initTestCase()
    {
        m_mha.loadModel(kvtest::shippedModelDir(QStringLiteral("tiny-mha")));
        m_gqa.loadModel(kvtest::shippedModelDir(QStringLiteral("tiny-gqa")));
        m_lesson = m_mha.normal(QStringLiteral("I"), kv::GenerationSettings{});
        QVERIFY(m_lesson->config().nLayer >= 2);
    }

    // Item 3: below the last layer, the earlier tokens' rows of scores,
    // weights and output are the next layer's input: recomputed, not wasted.
    void oldRowsAreRecomputedBelowTheLastLayerAndWastedOnlyAtIt_data()
    {
        QTest::addColumn<int>("role");
        QTest::newRow("scores") << int(Role::Scores);
        QTest::newRow("weights") << int(Role::Weights);
        QTest::newRow("output") << int(Role::Output);
    }
    void oldRowsAreRecomputedBelowTheLastLayerAndWastedOnlyAtIt()
    {
        QFETCH(int, role);
        const int step = 3;
        for (int layer = 0; layer <= lastLayer(); ++layer) {
            const Frame frame = frameAt(step, Phase::NextToken, layer);
            const auto specs = attentionMatrices(frame, DecodeMode::Uncached);
            const MatrixSpec& spec = specs[Role(role)];
            const CellState expected = layer == lastLayer() ? CellState::Wasted : CellState::Recomputed;
            QCOMPARE(spec.rows(), step + 1);
            for (int row = 0; row < step; ++row)
                QCOMPARE(rowStates(spec, row), std::set<CellState>{expected});
            QCOMPARE(rowStates(spec, step), std::set<CellState>{CellState::New});
        }
    }

    void legendSaysWhatThisLayerDoes()
    {
        const auto labelOf = [](const Frame& frame, CellState state) {
            for (const LegendDiagram::Entry& entry : LegendDiagram::entries(frame))
                if (entry.state == state)
                    return entry.label;
            return QString();
        };
        const Frame first = frameAt(3, Phase::NextToken, 0);
        QVERIFY2(labelOf(first, CellState::Recomputed).contains(QStringLiteral("layer 1's input")),
                 qPrintable(labelOf(first, CellState::Recomputed)));
        QVERIFY2(labelOf(first, CellState::Wasted).contains(QStringLiteral("only at the last layer")),
                 qPrintable(labelOf(first, CellState::Wasted)));
        const Frame last = frameAt(3, Phase::NextToken, lastLayer());
        QCOMPARE(labelOf(last, CellState::Wasted), Theme::stateName(CellState::Wasted));
        QCOMPARE(labelOf(last, CellState::Recomputed), Theme::stateName(CellState::Recomputed));
    }

    void statsLineCountsThrownAwayOnlyAtTheLastLayer()
    {
        const int step = 3;
        const int keys = step + 1;
        const QString below = Narrator::paneWork(frameAt(step, Phase::NextToken, 0), DecodeMode::Uncached);
        QVERIFY2(below.contains(QStringLiteral("%1 scores, %2 recomputed for layer 1").arg(keys * keys).arg(step * keys)),
                 qPrintable(below));
        QVERIFY2(!below.contains(QStringLiteral("thrown away")), qPrintable(below));
        const QString last = Narrator::paneWork(frameAt(step, Phase::NextToken, lastLayer()), DecodeMode::Uncached);
        QVERIFY2(last.contains(QStringLiteral("%1 scores, %2 thrown away").arg(keys * keys).arg(step * keys)),
                 qPrintable(last));
    }

    void narrationExplainsTheCascadeBelowTheLastLayer_data()
    {
        QTest::addColumn<Phase>("phase");
        QTest::newRow("scores") << Phase::Scores;
        QTest::newRow("mix") << Phase::Mix;
    }
    void narrationExplainsTheCascadeBelowTheLastLayer()
    {
        QFETCH(Phase, phase);
        const QString below = plain(Narrator::narration(frameAt(3, phase, 0)));
        QVERIFY2(!below.contains(QStringLiteral("discarded")) && !below.contains(QStringLiteral("are computed and thrown away")),
                 qPrintable(below));
        QVERIFY2(below.contains(QStringLiteral("not wasted")), qPrintable(below));
        QVERIFY2(below.contains(QStringLiteral("layer 1's input X")), qPrintable(below));
        QVERIFY2(below.contains(QStringLiteral("rebuilds its K = X·W_K and V = X·W_V")), qPrintable(below));
        const QString last = plain(Narrator::narration(frameAt(3, phase, lastLayer())));
        QVERIFY2(last.contains(QStringLiteral("thrown away")), qPrintable(last));
        QVERIFY2(!last.contains(QStringLiteral("not wasted")), qPrintable(last));
    }

    // Item 10: with grouped-query attention the narration quotes the shapes the
    // diagram draws, and the stats line counts the scores drawn.
    void gqaNarrationQuotesTheDrawnShapes()
    {
        const auto lesson = m_gqa.normal(QStringLiteral("I"), kv::GenerationSettings{});
        for (int step : {1, 3}) {
            const Frame frame = frameAt(step, Phase::Scores, 0, lesson);
            const auto cached = attentionMatrices(frame, DecodeMode::Cached);
            const auto uncached = attentionMatrices(frame, DecodeMode::Uncached);
            const QString text = plain(Narrator::narration(frame));
            const MatrixSpec& q = cached[Role::Queries];
            QCOMPARE(q.rows(), 2); // two query heads share the K/V head
            const QString expected = QStringLiteral("q (%1) (one block of rows for each of the 2 query heads that share "
                                                    "this K/V head) · Kᵀ (%2) → %3 scores")
                                         .arg(q.shape(), cached[Role::KeysT].shape())
                                         .arg(cached[Role::Scores].rows() * cached[Role::Scores].cols());
            QVERIFY2(text.contains(expected), qPrintable(text + QStringLiteral("\nwanted: ") + expected));
            const MatrixSpec& scores = uncached[Role::Scores];
            QVERIFY2(text.contains(QStringLiteral("Q (%1) · Kᵀ (%2) → %3 scores")
                                       .arg(uncached[Role::Queries].shape(), uncached[Role::KeysT].shape())
                                       .arg(scores.rows() * scores.cols())),
                     qPrintable(text));
            for (DecodeMode mode : {DecodeMode::Cached, DecodeMode::Uncached}) {
                const auto specs = attentionMatrices(frame, mode);
                const MatrixSpec& drawn = specs[Role::Scores];
                const QString stats = Narrator::paneWork(frame, mode);
                QVERIFY2(stats.contains(QStringLiteral("· %1 scores").arg(drawn.rows() * drawn.cols())), qPrintable(stats));
            }
        }
    }

    void gqaHighlightMarksTheTokensRowInEveryStackedHead()
    {
        const auto lesson = m_gqa.normal(QStringLiteral("I"), kv::GenerationSettings{});
        Frame frame = frameAt(3, Phase::NextToken, 0, lesson);
        frame.selectedToken = 2; // "a": an old row in the uncached pane
        const auto uncached = attentionMatrices(frame, DecodeMode::Uncached);
        for (Role role : {Role::Queries, Role::Scores, Role::Weights, Role::Output}) {
            const MatrixSpec& spec = uncached[role];
            QCOMPARE(spec.rows(), 8); // 2 heads × 4 tokens
            QList<int> rows;
            for (int r = 0; r < spec.rows(); ++r)
                if (spec.highlightsRow(r))
                    rows << r;
            QCOMPARE(rows, (QList<int>{2, 6}));
            for (int r : rows)
                QCOMPARE(queryRowAt(frame, DecodeMode::Uncached, r).row, 2);
        }
        frame.selectedToken = 3; // the newest token: the one row per head of the cached pane
        const auto cached = attentionMatrices(frame, DecodeMode::Cached);
        const MatrixSpec& q = cached[Role::Queries];
        QVERIFY(q.highlightsRow(0));
        QVERIFY(q.highlightsRow(1));
    }

    // Item 8: the cache's formula in the pane is the calculator's, and its
    // factors multiply to the bytes the core holds.
    void cacheFormulaMultipliesToTheBytesHeld()
    {
        for (int step = 0; step < m_lesson->stepCount(); ++step) {
            const Frame frame = frameAt(step, Phase::NextToken, 0);
            const QString text = Narrator::paneMemory(frame, DecodeMode::Cached);
            const QStringList sides = text.split(QStringLiteral(" = "));
            QCOMPARE(sides.size(), 2);
            std::int64_t product = 1;
            for (const QString& factor : sides[1].split(QStringLiteral(" × ")))
                product *= factor.section(QLatin1Char(' '), 0, 0).toLongLong();
            const std::int64_t held = frame.record(DecodeMode::Cached).cost.kvBytes;
            QCOMPARE(product, held);
            QVERIFY(sides[0].endsWith(QString::fromStdString(kv::groupDigits(held)) + QStringLiteral(" B")));
        }
    }

    // Item 9: the narration knows when it narrates a bug.
    void staleCachePrefillSaysTheWorkDiffers()
    {
        const auto lesson = m_mha.staleCache(QStringLiteral("I"), QStringLiteral("the cat"), kv::GenerationSettings{});
        const auto with = lesson->run.cached.steps.front().cost.macs.total();
        const auto without = lesson->run.uncached.steps.front().cost.macs.total();
        QVERIFY(with != without);
        const QString tokenIn = plain(Narrator::narration(frameAt(0, Phase::TokenIn, 0, lesson)));
        QVERIFY2(!tokenIn.contains(QStringLiteral("Both sides do the same work")), qPrintable(tokenIn));
        QVERIFY2(tokenIn.contains(QStringLiteral("do not do the same work")), qPrintable(tokenIn));
        QVERIFY2(tokenIn.contains(QString::fromStdString(kv::groupDigits(with)))
                     && tokenIn.contains(QString::fromStdString(kv::groupDigits(without))),
                 qPrintable(tokenIn));
        QVERIFY2(tokenIn.contains(QStringLiteral("%1 stale rows").arg(lesson->run.staleCacheRows)), qPrintable(tokenIn));
        const QString next = plain(Narrator::narration(frameAt(0, Phase::NextToken, 0, lesson)));
        QVERIFY2(!next.contains(QStringLiteral("both sides the same")), qPrintable(next));
    }

    void demonstrationsEndOnTheCorrectAnswerNotTheBuggyOne_data()
    {
        QTest::addColumn<bool>("stale");
        QTest::newRow("stale cache") << true;
        QTest::newRow("frozen position") << false;
    }
    void demonstrationsEndOnTheCorrectAnswerNotTheBuggyOne()
    {
        QFETCH(bool, stale);
        const auto lesson = stale ? m_mha.staleCache(QStringLiteral("I"), QStringLiteral("the cat"), kv::GenerationSettings{})
                                  : m_mha.frozenPosition(QStringLiteral("I"), kv::GenerationSettings{});
        bool differed = false;
        for (int step = 0; step < lesson->stepCount(); ++step) {
            const Frame frame = frameAt(step, Phase::NextToken, 0, lesson);
            const QString text = plain(Narrator::narration(frame));
            const QString correct = lesson->token(frame.record(DecodeMode::Uncached).chosenToken);
            const QString buggy = lesson->token(frame.record(DecodeMode::Cached).chosenToken);
            QVERIFY2(text.contains(QStringLiteral("The correct model (no cache) predicts “%1”").arg(correct)), qPrintable(text));
            if (correct != buggy) {
                differed = true;
                QVERIFY2(text.contains(QStringLiteral("predicts “%1” with p").arg(buggy)), qPrintable(text));
                QVERIFY2(text.contains(QStringLiteral("instead: a wrong answer")), qPrintable(text));
            }
        }
        QVERIFY(differed);
    }

    void staleBannerNamesTheStateNotAColour()
    {
        const auto lesson = m_mha.staleCache(QStringLiteral("I"), QStringLiteral("the cat"), kv::GenerationSettings{});
        QVERIFY2(!lesson->banner.contains(QStringLiteral("red")), qPrintable(lesson->banner));
        QVERIFY(lesson->banner.contains(QStringLiteral("“stale”")));
    }

    void frozenPositionShowsPositionZeroAndQuotesOnlyTheShownTokens()
    {
        const auto lesson = m_mha.frozenPosition(QStringLiteral("I"), kv::GenerationSettings{});
        const int steps = lesson->stepCount();
        QVERIFY(lesson->run.cached.steps.size() > std::size_t(steps)); // the bug runs on past the correct [EOS]
        // The banner quotes as many tokens per side as the walk-through shows.
        const QRegularExpression quote(QStringLiteral("“([^”]*)”"));
        auto matches = quote.globalMatch(lesson->banner);
        int quotes = 0;
        while (matches.hasNext()) {
            const QString quoted = matches.next().captured(1);
            QCOMPARE(quoted.split(QLatin1Char(' '), Qt::SkipEmptyParts).size(), steps);
            ++quotes;
        }
        QCOMPARE(quotes, 2);
        // The next-token box carries the position the bug really uses.
        TokenStripDiagram strip;
        for (int step = 0; step < steps; ++step) {
            const Frame frame = frameAt(step, Phase::NextToken, 0, lesson);
            const auto boxes = strip.boxes(QRectF(0, 0, 1600, 110), frame);
            QCOMPARE(boxes.back().sequenceIndex, -1);
            QCOMPARE(boxes.back().position, 0);
        }
        const QString tokenIn = plain(Narrator::narration(frameAt(2, Phase::TokenIn, 0, lesson)));
        QVERIFY2(tokenIn.contains(QStringLiteral("enters at position 0")) && tokenIn.contains(QStringLiteral("belongs at position 2")),
                 qPrintable(tokenIn));
    }

    // Item 13: counts in words a room reads aloud.
    void wordingForOneAndTwo()
    {
        const QString prefill = plain(Narrator::narration(frameAt(0, Phase::TokenIn, 0)));
        QVERIFY2(prefill.contains(QStringLiteral("at position 0.")) && !prefill.contains(QStringLiteral("0–0")),
                 qPrintable(prefill));
        const QString stepOne = plain(Narrator::narration(frameAt(1, Phase::TokenIn, 0)));
        QVERIFY2(stepOne.contains(QStringLiteral("feed both tokens")) && !stepOne.contains(QStringLiteral("all 2")),
                 qPrintable(stepOne));
        QCOMPARE(Narrator::paneSubtitle(frameAt(1, Phase::TokenIn, 0), DecodeMode::Uncached),
                 QStringLiteral("recomputes both tokens"));
    }

    // Item 13: at phase 2 only q is drawn on the cached side; the words say so.
    void projectPhaseSaysOnlyQIsDrawnWithTheCache()
    {
        const Frame frame = frameAt(3, Phase::Project, 0);
        const auto cached = attentionMatrices(frame, DecodeMode::Cached);
        for (Role role : {Role::KeysT, Role::Values}) {
            const MatrixSpec& spec = cached[role];
            QCOMPARE(spec.state(spec.rows() - 1, spec.cols() - 1), CellState::Pending); // the new k, v not drawn yet
        }
        const QString text = plain(Narrator::narration(frame));
        QVERIFY2(text.contains(QStringLiteral("only the new token's q is drawn here")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("slide into the cache in the next phase")), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("one q, k and v row")), qPrintable(text));
    }

    // Llama's BOS is "<s>": in the narration (rich text) and in a tooltip it is
    // a token to show, not a strike-through tag over the rest of the text.
    void tokenTextIsNeverReadAsMarkup()
    {
        LessonFactory llama;
        llama.loadModel(QStringLiteral(KVLAB_TEST_DATA "/hf-llama-random"));
        const auto lesson = llama.normal(QStringLiteral("Hello world"), kv::GenerationSettings{});
        QCOMPARE(lesson->token(lesson->record(kv::DecodeMode::Cached, 0).inputTokens.front()), QStringLiteral("<s>"));
        for (const Phase phase : {Phase::TokenIn, Phase::Softmax, Phase::NextToken}) {
            const QString narration = Narrator::narration(frameAt(0, phase, 0, lesson));
            QVERIFY2(!narration.contains(QStringLiteral("<s>")), qPrintable(narration));
            if (phase == Phase::TokenIn)
                QVERIFY2(plain(narration).contains(QStringLiteral("“<s> ")), qPrintable(plain(narration)));
        }

        DiagramWidget strip(std::make_unique<TokenStripDiagram>());
        strip.resize(1200, 110);
        strip.setFrame(frameAt(0, Phase::TokenIn, 0, lesson));
        strip.show();
        QVERIFY(QTest::qWaitForWindowExposed(&strip));
        const auto boxes = TokenStripDiagram().boxes(QRectF(strip.rect()), frameAt(0, Phase::TokenIn, 0, lesson));
        QVERIFY(!boxes.empty() && boxes.front().text == QStringLiteral("<s>"));
        const QPoint point = boxes.front().rect.center().toPoint();
        QHelpEvent help(QEvent::ToolTip, point, strip.mapToGlobal(point));
        QApplication::sendEvent(&strip, &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY2(QToolTip::text().contains(QStringLiteral("&lt;s&gt;")), qPrintable(QToolTip::text()));
        QVERIFY2(plain(QToolTip::text()).startsWith(QStringLiteral("\"<s>\" at position 0")),
                 qPrintable(plain(QToolTip::text())));
        QToolTip::hideText();
    }
};

QTEST_MAIN(TestNarration)
#include "tst_narration.moc"
