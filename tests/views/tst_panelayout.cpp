// The panes' layout over sizes x arrangements x models x steps: no two boxes
// overlap, nothing leaves its pane, and the level of detail switches where it
// should (numbered cells, heatmap, a window around the current token).
#include "views/diagrams/AttentionDiagram.h"
#include "core/lab/LazyWalkThrough.h"
#include "views/playback/Lesson.h"
#include "views/diagrams/SequenceWindow.h"
#include "tests/support/TestLessons.h"
#include "tests/support/TestModels.h"

#include <QtTest>

using namespace kvlab;

namespace {

using kvtest::lessonFor;

std::shared_ptr<const Lesson> shippedLesson(const QString& name)
{
    const kv::ModelBundle& bundle = kvtest::shippedModel(name);
    return lessonFor(bundle.model, bundle.tokenizer, bundle.tokenizer->encode("I"), 0);
}

// A large random model with the shipped words: 4 layers, d=256, 8 heads, 120 tokens.
std::shared_ptr<const Lesson> largeLesson()
{
    static std::shared_ptr<const Lesson> lesson = [] {
        const kv::ModelBundle& words = kvtest::shippedModel(QStringLiteral("tiny-mha"));
        const kv::ModelConfig config = kv::ModelConfig::gpt2("random-4x256", 4, 256, 8, 8, 160, words.config().vocabSize);
        auto model = std::make_shared<const kv::Transformer>(kvtest::randomTransformer(config, 5, 0.1f));
        return lessonFor(model, words.tokenizer, kvtest::randomTokens(20, config.vocabSize), 100);
    }();
    return lesson;
}

double overlapArea(const QRectF& a, const QRectF& b)
{
    const QRectF both = a.intersected(b);
    return both.isValid() ? both.width() * both.height() : 0.0;
}

void checkBoxes(const AttentionDiagram::Layout& layout, const QRectF& pane, const QString& where)
{
    const auto boxes = layout.boxes();
    for (std::size_t i = 0; i < boxes.size(); ++i) {
        const QRectF& box = boxes[i].second;
        QVERIFY2(pane.adjusted(-0.5, -0.5, 0.5, 0.5).contains(box),
                 qPrintable(QStringLiteral("%1: %2 leaves the pane").arg(where, boxes[i].first)));
        for (std::size_t j = i + 1; j < boxes.size(); ++j)
            QVERIFY2(overlapArea(box, boxes[j].second) < 1.0,
                     qPrintable(QStringLiteral("%1: %2 overlaps %3").arg(where, boxes[i].first, boxes[j].first)));
    }
}

} // namespace

class TestPaneLayout : public QObject {
    Q_OBJECT

private slots:
    void nothingOverlapsOrLeavesThePane_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QSizeF>("pane");
        QTest::addColumn<bool>("presenting");
        // One pane's rectangle in each arrangement the window has.
        const QList<std::pair<const char*, QSizeF>> panes{
            {"side by side 1600x960", QSizeF(780, 600)},  {"side by side 1024x768 with docks", QSizeF(470, 380)},
            {"stacked 1600x960", QSizeF(1560, 300)},       {"one pane 1920x1080", QSizeF(1880, 760)},
            {"presentation 1920x1080", QSizeF(950, 860)},  {"side by side 3840x2160", QSizeF(1900, 1700)},
            {"stacked 1024x768", QSizeF(1000, 250)}};
        for (const char* model : {"tiny-mha", "tiny-gqa", "large"})
            for (const auto& [name, size] : panes) {
                const bool presenting = QByteArray(name).startsWith("presentation");
                QTest::newRow(qPrintable(QStringLiteral("%1, %2").arg(model, name))) << QString(model) << size << presenting;
            }
    }

    void nothingOverlapsOrLeavesThePane()
    {
        QFETCH(QString, model);
        QFETCH(QSizeF, pane);
        QFETCH(bool, presenting);
        const auto lesson = model == QLatin1String("large") ? largeLesson() : shippedLesson(model);
        const int last = lesson->stepCount() - 1;
        for (int step : {0, std::min(3, last), last}) {
            for (kv::DecodeMode mode : {kv::DecodeMode::Uncached, kv::DecodeMode::Cached}) {
                Frame frame;
                frame.lesson = lesson;
                frame.step = step;
                frame.phase = Phase::NextToken;
                frame.layer = lesson->config().nLayer - 1;
                frame.head = 1;
                frame.theme = presenting ? Theme::light().presenting() : Theme::light();
                const QRectF rect(QPointF(10, 20), pane);
                const auto layout = AttentionDiagram(mode).layout(rect, frame);
                checkBoxes(layout, rect,
                           QStringLiteral("step %1 %2").arg(step).arg(mode == kv::DecodeMode::Cached ? "cached" : "uncached"));
            }
        }
    }

    void presentationCellsAreLargeWithReadableNumbers()
    {
        Frame frame;
        frame.lesson = shippedLesson(QStringLiteral("tiny-mha"));
        frame.step = 3;
        frame.phase = Phase::Scores;
        frame.theme = Theme::light().presenting();
        // One pane of the presentation at 1920x1080: half the width, under the token strip.
        const auto layout = AttentionDiagram(kv::DecodeMode::Uncached).layout(QRectF(0, 0, 950, 860), frame);
        QCOMPARE(layout.detail, Detail::Cells);
        // Larger than side by side in a window, and every number readable.
        Frame windowed = frame;
        windowed.theme = Theme::light();
        const auto side = AttentionDiagram(kv::DecodeMode::Uncached).layout(QRectF(0, 0, 780, 600), windowed);
        QVERIFY2(layout.place(MatrixSpec::Role::Scores).cellW >= 1.3 * side.place(MatrixSpec::Role::Scores).cellW,
                 qPrintable(QStringLiteral("%1 vs %2").arg(layout.place(MatrixSpec::Role::Scores).cellW)
                                .arg(side.place(MatrixSpec::Role::Scores).cellW)));
        for (const MatrixSpec& spec : layout.matrices)
            QVERIFY2(numberPixelSize(spec, layout.place(spec.role), frame.theme) >= 9.0, qPrintable(spec.title));
    }

    void largeShapesBecomeHeatmapsAndKeepTheEnds()
    {
        Frame frame;
        frame.lesson = largeLesson();
        frame.step = frame.lesson->stepCount() - 1;
        frame.phase = Phase::NextToken;
        const auto roomy = AttentionDiagram(kv::DecodeMode::Uncached).layout(QRectF(0, 0, 1880, 1000), frame);
        QCOMPARE(roomy.detail, Detail::Heatmap);
        for (const MatrixSpec& spec : roomy.matrices)
            QCOMPARE(numberPixelSize(spec, roomy.place(spec.role), frame.theme), 0.0);
        // head_dim is drawn narrower than the token axis.
        QVERIFY(roomy.place(MatrixSpec::Role::Queries).cellW < roomy.place(MatrixSpec::Role::Queries).cellH);

        const auto tight = AttentionDiagram(kv::DecodeMode::Uncached).layout(QRectF(0, 0, 470, 380), frame);
        QCOMPARE(tight.detail, Detail::Heatmap);
        QVERIFY(tight.hiddenTokens > 0);
        const MatrixSpec& keys = tight.matrix(MatrixSpec::Role::KeysT);
        const int length = static_cast<int>(frame.record(kv::DecodeMode::Uncached).keyTokens.size());
        QCOMPARE(keys.sourceCol(0), 0);                      // the first token stays
        QCOMPARE(keys.sourceCol(keys.cols() - 1), length - 1); // and the current one
        QCOMPARE(int(std::count(keys.colSource.begin(), keys.colSource.end(), -1)), 1);
        QCOMPARE(keys.elidedCols, tight.hiddenTokens);
        QCOMPARE(keys.cols() - 1 + tight.hiddenTokens, length);
        QVERIFY(tight.place(MatrixSpec::Role::Scores).cellW >= 4.0);
    }

    void tinyModelsKeepNumberedCellsSideBySide()
    {
        Frame frame;
        frame.lesson = shippedLesson(QStringLiteral("tiny-gqa"));
        frame.step = 3;
        frame.phase = Phase::NextToken;
        const auto layout = AttentionDiagram(kv::DecodeMode::Cached).layout(QRectF(0, 0, 780, 600), frame);
        QCOMPARE(layout.detail, Detail::Cells);
        QCOMPARE(layout.hiddenTokens, 0);
    }

    // Matrices are addressed by role, whatever the order they were filled in.
    void matricesAreAddressedByRole()
    {
        ByRole<int> filled;
        int order = 0;
        for (auto role = ByRole<int>::kRoles.rbegin(); role != ByRole<int>::kRoles.rend(); ++role)
            filled[*role] = ++order;
        QCOMPARE(filled[MatrixSpec::Role::Output], 1);
        QCOMPARE(filled[MatrixSpec::Role::Queries], 6);
        QCOMPARE(filled[MatrixSpec::Role::Values], 2);

        Frame frame;
        frame.lesson = shippedLesson(QStringLiteral("tiny-mha"));
        frame.step = 2;
        frame.phase = Phase::NextToken;
        const auto layout = AttentionDiagram(kv::DecodeMode::Cached).layout(QRectF(0, 0, 780, 600), frame);
        for (MatrixSpec::Role role : ByRole<MatrixSpec>::kRoles)
            QCOMPARE(layout.matrix(role).role, role);
        QCOMPARE(layout.matrix(MatrixSpec::Role::KeysT).rows(), frame.lesson->config().headDim());
        QCOMPARE(layout.matrix(MatrixSpec::Role::Values).cols(), frame.lesson->config().headDim());
        QCOMPARE(layout.matrix(MatrixSpec::Role::Queries).rows(), 1);
    }

    void windowKeepsFirstAndNewest()
    {
        const SequenceWindow window = SequenceWindow::around(40, 10, 2);
        QCOMPARE(window.keySlots(), (std::vector<int>{0, 1, -1, 32, 33, 34, 35, 36, 37, 38, 39}));
        QCOMPARE(window.hidden(), 30);
        QVERIFY(!SequenceWindow::around(8, 8).elides());
        // Uncached query rows of two stacked heads: a band in each block.
        QCOMPARE(window.querySlots(40, 2, 0).size(), std::size_t(22));
        // A cached decode step's single query row is the newest token: always shown.
        QCOMPARE(window.querySlots(1, 1, 39), std::vector<int>{0});
    }

    void labelsAreThinnedToThoseThatFit()
    {
        const auto shown = thinnedLabels(100, 4.0, 13.0, 99, 50);
        QVERIFY(std::find(shown.begin(), shown.end(), 99) != shown.end());
        QVERIFY(std::find(shown.begin(), shown.end(), 50) != shown.end());
        for (std::size_t i = 1; i < shown.size(); ++i)
            QVERIFY2((shown[i] - shown[i - 1]) * 4.0 >= 13.0 - 1e-9,
                     qPrintable(QStringLiteral("%1 and %2 collide").arg(shown[i - 1]).arg(shown[i])));
        QCOMPARE(thinnedLabels(5, 30.0, 13.0, 4, -1), (std::vector<int>{0, 1, 2, 3, 4}));
    }
};

QTEST_MAIN(TestPaneLayout)
#include "tst_panelayout.moc"
