// The token strip at every width and sequence length: the first tokens, a
// band "… N …" for the hidden middle, the newest tokens up to the current one
// and the next-token box, all inside the strip, none overlapping, and a click
// on a token still selects that token of the sequence.
#include "views/diagrams/DiagramWidget.h"
#include "core/lab/LazyWalkThrough.h"
#include "views/playback/Lesson.h"
#include "tests/support/TestLessons.h"
#include "tests/support/TestModels.h"
#include "views/diagrams/TokenStripDiagram.h"

#include <QSignalSpy>
#include <QtTest>

using namespace kvlab;
using Box = TokenStripDiagram::Box;

namespace {

using kvtest::lessonFor;

// A random model with the shipped words and room for 256 tokens, fed `prompt`
// random tokens then `maxNew` generated ones.
std::shared_ptr<const Lesson> largeLesson(int prompt, int maxNew)
{
    const kv::ModelBundle& words = kvtest::shippedModel(QStringLiteral("tiny-mha"));
    const kv::ModelConfig config = kv::ModelConfig::gpt2("random-2x64", 2, 64, 4, 4, 256, words.config().vocabSize);
    auto model = std::make_shared<const kv::Transformer>(kvtest::randomTransformer(config, 5, 0.1f));
    return lessonFor(model, words.tokenizer, kvtest::randomTokens(prompt, config.vocabSize), maxNew);
}

Frame frameAt(const std::shared_ptr<const Lesson>& lesson, int step, Phase phase)
{
    Frame frame;
    frame.lesson = lesson;
    frame.step = step;
    frame.phase = phase;
    return frame;
}

int sequenceLength(const Frame& frame)
{
    return static_cast<int>(frame.record(kv::DecodeMode::Cached).keyTokens.size());
}

// Everything the strip promises at one width and frame; `where` names it in failures.
void checkStrip(const QRectF& strip, const Frame& frame, const QString& where)
{
    const TokenStripDiagram diagram;
    const std::vector<Box> boxes = diagram.boxes(strip, frame);
    const int length = sequenceLength(frame);
    QVERIFY2(!boxes.empty(), qPrintable(where));
    const QRectF inside = strip.adjusted(-0.5, -0.5, 0.5, 0.5);
    std::vector<int> drawn;
    int hidden = 0;
    for (std::size_t i = 0; i < boxes.size(); ++i) {
        const Box& box = boxes[i];
        QVERIFY2(box.rect.width() > 0 && inside.contains(box.rect),
                 qPrintable(QStringLiteral("%1: box %2 (%3) leaves the strip").arg(where).arg(i).arg(box.text)));
        if (i > 0)
            QVERIFY2(box.rect.left() >= boxes[i - 1].rect.right(),
                     qPrintable(QStringLiteral("%1: box %2 overlaps the one before").arg(where).arg(i)));
        if (box.isToken())
            drawn.push_back(box.sequenceIndex);
        if (box.isBand()) {
            hidden = box.hidden;
            QCOMPARE(box.text, QStringLiteral("… %1 …").arg(box.hidden));
            QCOMPARE(box.firstHidden, drawn.empty() ? 0 : drawn.back() + 1);
        }
        const int expected = box.isToken() ? box.sequenceIndex : -1;
        QVERIFY2(diagram.tokenAt(strip, frame, box.rect.center()) == expected,
                 qPrintable(QStringLiteral("%1: the click at box %2 misses it").arg(where).arg(i)));
    }
    // Every token is drawn once or counted by the band, in order, the current one last.
    QCOMPARE(static_cast<int>(drawn.size()) + hidden, length);
    QCOMPARE(drawn.back(), length - 1);
    for (std::size_t i = 1; i < drawn.size(); ++i)
        QVERIFY(drawn[i] == drawn[i - 1] + 1 || drawn[i] == drawn[i - 1] + 1 + hidden);
    if (frame.reached(Phase::NextToken))
        QVERIFY2(boxes.back().isNext(), qPrintable(where + QStringLiteral(": no next-token box")));
    else
        QVERIFY(boxes.back().isToken());
}

} // namespace

class TestTokenStrip : public QObject {
    Q_OBJECT

private slots:
    void everyWidthAndLengthFitsTheStrip()
    {
        const auto lesson = largeLesson(1, 200); // sequences of 1 to 200 tokens
        QCOMPARE(lesson->stepCount(), 200);
        for (int width : {400, 500, 640, 800, 1024, 1280, 1600, 2000, 2560, 3000}) {
            for (int step = 0; step < lesson->stepCount(); ++step) {
                for (Phase phase : {Phase::TokenIn, Phase::NextToken}) {
                    const Frame frame = frameAt(lesson, step, phase);
                    checkStrip(QRectF(5, 7, width, 110), frame,
                               QStringLiteral("width %1, %2 tokens").arg(width).arg(sequenceLength(frame)));
                    if (QTest::currentTestFailed())
                        return;
                }
            }
        }
    }

    // At prefill every prompt token is current: the newest of them stay in view.
    void aLongPromptAtPrefillKeepsItsNewestTokens()
    {
        const auto lesson = largeLesson(150, 2);
        for (int width : {400, 800, 1600, 3000})
            for (int step = 0; step < lesson->stepCount(); ++step)
                checkStrip(QRectF(0, 0, width, 96), frameAt(lesson, step, Phase::NextToken),
                           QStringLiteral("width %1, step %2").arg(width).arg(step));
    }

    void shortSequencesAreNotElided()
    {
        const kv::ModelBundle& bundle = kvtest::shippedModel(QStringLiteral("tiny-mha"));
        const auto lesson = lessonFor(bundle.model, bundle.tokenizer, bundle.tokenizer->encode("I"), 0);
        const Frame frame = frameAt(lesson, lesson->stepCount() - 1, Phase::NextToken);
        const auto boxes = TokenStripDiagram().boxes(QRectF(0, 0, 1600, 110), frame);
        QCOMPARE(static_cast<int>(boxes.size()), sequenceLength(frame) + 1);
        for (const Box& box : boxes)
            QVERIFY(!box.isBand());
    }

    // The case of the issue: 150 tokens in a 1600-px window.
    void aHundredAndFiftyTokensShowTheFirstTheBandAndTheNewest()
    {
        const auto lesson = largeLesson(10, 150);
        const Frame frame = frameAt(lesson, 140, Phase::NextToken);
        QCOMPARE(sequenceLength(frame), 150);
        const QRectF strip(0, 0, 1600, 96);
        const auto boxes = TokenStripDiagram().boxes(strip, frame);
        QCOMPARE(boxes[0].sequenceIndex, 0);
        const auto band = std::find_if(boxes.begin(), boxes.end(), [](const Box& box) { return box.isBand(); });
        QVERIFY(band != boxes.end());
        QVERIFY(band - boxes.begin() <= 2);
        QVERIFY(band->hidden > 100);
        QVERIFY(boxes.size() > 8); // more than the bare minimum of newest tokens
        QCOMPARE(boxes[boxes.size() - 2].sequenceIndex, 149);
        QVERIFY(boxes.back().isNext() && boxes.back().text.startsWith(QStringLiteral("next → ")));
        QVERIFY(!boxes.back().text.endsWith(QStringLiteral("…")));
        checkStrip(strip, frame, QStringLiteral("150 tokens"));

        // Painted: nothing right of the next box but the strip's own fill.
        QImage image(strip.size().toSize(), QImage::Format_RGB32);
        image.fill(Qt::black);
        {
            QPainter painter(&image);
            TokenStripDiagram().paint(painter, strip, frame);
        }
        const QRgb fill = image.pixel(image.width() - 1, 0);
        QCOMPARE(QColor(fill), frame.theme.panel);
        bool inkNearTheEnd = false;
        for (int x = static_cast<int>(boxes.back().rect.right()) + 3; x < image.width(); ++x)
            for (int y = 0; y < image.height(); ++y)
                QVERIFY2(image.pixel(x, y) == fill, qPrintable(QStringLiteral("ink at %1,%2").arg(x).arg(y)));
        for (int x = static_cast<int>(boxes.back().rect.right()) - 3; x >= boxes.back().rect.left(); --x)
            inkNearTheEnd = inkNearTheEnd || image.pixel(x, static_cast<int>(boxes.back().rect.center().y())) != fill;
        QVERIFY(inkNearTheEnd);
    }

    // Clicking a drawn token of an elided strip selects that token of the sequence.
    void clickingATokenOfAnElidedStripSelectsIt()
    {
        const auto lesson = largeLesson(10, 150);
        DiagramWidget widget(std::make_unique<TokenStripDiagram>());
        widget.resize(1600, 96);
        widget.show();
        QVERIFY(QTest::qWaitForWindowExposed(&widget));
        widget.setFrame(frameAt(lesson, 140, Phase::NextToken));
        const auto& diagram = static_cast<const TokenStripDiagram&>(widget.diagram());
        const auto boxes = diagram.boxes(QRectF(widget.rect()), widget.frame());
        QSignalSpy clicked(&widget, &DiagramWidget::tokenClicked);
        for (std::size_t i : {std::size_t(0), boxes.size() - 4, boxes.size() - 2}) {
            QVERIFY(boxes[i].isToken());
            QTest::mouseClick(&widget, Qt::LeftButton, {}, boxes[i].rect.center().toPoint());
            QCOMPARE(clicked.size(), 1);
            QCOMPARE(clicked.takeFirst().at(0).toInt(), boxes[i].sequenceIndex);
        }
        QVERIFY(boxes[boxes.size() - 4].sequenceIndex > 140);
    }
};

QTEST_MAIN(TestTokenStrip)
#include "tst_tokenstrip.moc"
