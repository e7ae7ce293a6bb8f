#include "views/diagrams/AllHeadsWidget.h"
#include "app/window/AnalysisDocks.h"
#include "views/diagrams/ByteText.h"
#include "views/diagrams/PageDiagram.h"
#include "app/cli/CliOptions.h"
#include "app/export/ExportJob.h"
#include "app/window/LessonFactory.h"
#include "app/window/MainWindow.h"
#include "views/playback/PlaybackController.h"
#include "tests/support/FreshSettings.h"
#include "tests/support/TestLessons.h"
#include "tests/support/TestModels.h"
#include "views/diagrams/WholeCacheDiagram.h"
#include "views/style/Typography.h"

#include <QFontMetricsF>

#include <QDockWidget>
#include <QImage>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace kvlab;

namespace {

std::shared_ptr<const Lesson> lessonFor(const QString& model)
{
    LessonFactory factory;
    factory.loadModel(kvtest::shippedModelDir(model));
    kv::GenerationSettings settings;
    settings.maxNewTokens = 6;
    settings.stopAtEos = false;
    return factory.normal(QStringLiteral("the cat sat on the"), settings);
}

Frame frameAt(std::shared_ptr<const Lesson> lesson, int step)
{
    Frame frame;
    frame.lesson = std::move(lesson);
    frame.step = step;
    frame.phase = Phase::TokenIn;
    return frame;
}

QImage rendered(const Diagram& diagram, const Frame& frame, QSize size)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(frame.theme.background);
    QPainter painter(&image);
    diagram.paint(painter, QRectF(QPointF(0, 0), QSizeF(size)), frame);
    return image;
}

bool near(QColor a, QColor b)
{
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue()) < 30;
}

} // namespace

// The whole cache and all heads at a step: their figures, their marks, the
// click that selects a head, and their export.
class TestCacheViews : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        kvtest::startWithFreshSettings();
    }

    void bytesShownAreTheStepsKvBytes_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("tiny-mha") << QStringLiteral("tiny-mha");
        QTest::newRow("tiny-gqa") << QStringLiteral("tiny-gqa");
    }

    // The total the diagram prints is the cache bytes the step's cost record holds, at every step;
    // per layer is the total over layers and per block the layer's over KV heads.
    void bytesShownAreTheStepsKvBytes()
    {
        QFETCH(QString, model);
        const auto lesson = lessonFor(model);
        const kv::ModelConfig& config = lesson->config();
        QVERIFY(lesson->stepCount() > 2);
        for (int step = 0; step < lesson->stepCount(); ++step) {
            const Frame frame = frameAt(lesson, step);
            const std::int64_t kvBytes = frame.record(kv::DecodeMode::Cached).cost.kvBytes;
            const WholeCacheDiagram::Bytes bytes = WholeCacheDiagram::bytes(frame);
            QVERIFY(kvBytes > 0);
            QCOMPARE(bytes.total, kvBytes);
            QCOMPARE(bytes.perLayer * config.nLayer, kvBytes);
            QCOMPARE(bytes.perBlock * config.nKvHead, bytes.perLayer);
            const QString line = WholeCacheDiagram::bytesLine(frame);
            QVERIFY2(line.contains(bytesText(kvBytes)), qPrintable(line));
            QVERIFY2(line.contains(exactBytes(bytes.perBlock)), qPrintable(line));
        }
    }

    void oneBlockPerLayerAndKvHead_data() { bytesShownAreTheStepsKvBytes_data(); }

    // The picture holds layers x KV heads blocks on each side, apart, inside the picture, each painted.
    void oneBlockPerLayerAndKvHead()
    {
        QFETCH(QString, model);
        const auto lesson = lessonFor(model);
        const kv::ModelConfig& config = lesson->config();
        const Frame frame = frameAt(lesson, 3);
        const WholeCacheDiagram diagram;
        const QSize size(1200, 700);
        const QRectF page(QPointF(0, 0), QSizeF(size));
        const QImage image = rendered(diagram, frame, size);
        const WholeCacheDiagram::Layout layout = diagram.layout(page, frame);
        QCOMPARE(WholeCacheDiagram::blockCount(frame), config.nLayer * config.nKvHead);
        for (const WholeCacheDiagram::Grid* grid : {&layout.cached, &layout.uncached}) {
            QList<QRectF> blocks;
            for (int layer = 0; layer < config.nLayer; ++layer)
                for (int kvHead = 0; kvHead < config.nKvHead; ++kvHead) {
                    const QRectF block = grid->blockRect(layer, kvHead);
                    QVERIFY(page.contains(block));
                    for (const QRectF& other : blocks)
                        QVERIFY(!other.intersects(block));
                    blocks << block;
                    const QPointF inK = grid->halfRect(layer, kvHead, 0).center();
                    QVERIFY(image.pixelColor(inK.toPoint()) != frame.theme.background);
                }
            QCOMPARE(blocks.size(), config.nLayer * config.nKvHead);
        }
        QVERIFY(!layout.cached.area.intersects(layout.uncached.area));
    }

    // The rows outlined as new are the ones this step appended: the whole prompt at the prefill,
    // one token after it; the outline is drawn in the "new" colour at that row and not above it.
    void highlightedRowsAreTheAppendedOnes()
    {
        const auto lesson = lessonFor(QStringLiteral("tiny-mha"));
        const WholeCacheDiagram diagram;
        const QSize size(1200, 700);
        for (int step = 0; step < 4; ++step) {
            const Frame frame = frameAt(lesson, step);
            const kv::StepRecord& record = frame.record(kv::DecodeMode::Cached);
            const auto [first, last] = WholeCacheDiagram::appendedRows(frame);
            const int held = static_cast<int>(record.keyTokens.size());
            QCOMPARE(last, held);
            QCOMPARE(first, step == 0 ? 0 : held - 1);
            QCOMPARE(first, frame.passHeads(kv::DecodeMode::Cached).head(0, 0, lesson->config().nHead).appendedFrom);

            const WholeCacheDiagram::Grid grid = diagram.layout(QRectF(QPointF(0, 0), QSizeF(size)), frame).cached;
            QCOMPARE(grid.slotsFrom(first), std::make_pair(first, last)); // nothing windowed at this size
            const QImage image = rendered(diagram, frame, size);
            const QRectF block = grid.blockRect(0, 0);
            const double x = block.left() + block.width() / 4;
            const QColor fresh = frame.theme.stateColor(CellState::New);
            QVERIFY2(near(image.pixelColor(QPointF(x, block.top() + first * grid.tokenPx).toPoint()), fresh),
                     qPrintable(QStringLiteral("step %1").arg(step)));
            if (first > 0) {
                const QPointF older(x, block.top() + (first - 1) * grid.tokenPx + grid.tokenPx / 2);
                QVERIFY(!near(image.pixelColor(older.toPoint()), fresh));
            }
        }
    }

    // Rows an earlier prompt left in the cache (the demonstrated bug) count in the bytes and stay
    // out of the appended rows: the second prompt's rows come after them.
    void staleRowsCountAndComeFirst()
    {
        LessonFactory factory;
        factory.loadModel(kvtest::shippedModelDir(QStringLiteral("tiny-mha")));
        const auto lesson = factory.staleCache(QStringLiteral("I"), QStringLiteral("the cat"), kv::GenerationSettings{});
        const int stale = lesson->run.staleCacheRows;
        QVERIFY(stale > 0);
        const Frame frame = frameAt(lesson, 0);
        const kv::StepRecord& record = frame.record(kv::DecodeMode::Cached);
        QCOMPARE(WholeCacheDiagram::appendedRows(frame).first, stale);
        QCOMPARE(WholeCacheDiagram::bytes(frame).total, record.cost.kvBytes);
        QCOMPARE(WholeCacheDiagram::bytes(frame).tokens, stale + static_cast<int>(record.inputTokens.size()));
    }

    // A cache longer than the picture has rows for: the band of hidden tokens says how many,
    // N = the tokens held minus the ones drawn, and is tall enough for its words; the first
    // and the newest tokens stay drawn.
    void elidedBandSaysHowManyTokens()
    {
        const kv::ModelBundle& words = kvtest::shippedModel(QStringLiteral("tiny-mha"));
        const kv::ModelConfig config = kv::ModelConfig::gpt2("random-6x128", 6, 128, 4, 4, 200, words.config().vocabSize);
        auto model = std::make_shared<const kv::Transformer>(kvtest::randomTransformer(config, 5, 0.1f));
        const auto lesson = kvtest::lessonFor(model, words.tokenizer, kvtest::randomTokens(20, config.vocabSize), 150);
        const Frame frame = frameAt(lesson, 120);
        const WholeCacheDiagram diagram;
        const QSize size(900, 520);
        const WholeCacheDiagram::Layout layout = diagram.layout(QRectF(QPointF(0, 0), QSizeF(size)), frame);
        const QImage image = rendered(diagram, frame, size);
        for (const WholeCacheDiagram::Grid* grid : {&layout.cached, &layout.uncached}) {
            const auto drawnTokens = std::count_if(grid->drawn.begin(), grid->drawn.end(), [](int t) { return t >= 0; });
            QVERIFY(grid->hiddenTokens > 0);
            QCOMPARE(grid->hiddenTokens, grid->tokens - static_cast<int>(drawnTokens));
            QCOMPARE(grid->drawn.front(), 0);
            QCOMPARE(grid->drawn.back(), grid->tokens - 1);
            QCOMPARE(WholeCacheDiagram::bandText(grid->hiddenTokens),
                     QStringLiteral("… %1 tokens …").arg(grid->tokens - drawnTokens));
            const QRectF band = grid->bandRect(0, 0);
            QVERIFY(band.height() >= 9.0);
            QVERIFY(grid->blockRect(0, 0).contains(band));
            // The band says the whole count, in words that fit it, at a size one can read.
            const auto words = WholeCacheDiagram::bandWords(band, grid->hiddenTokens, layout.labelPx);
            QVERIFY2(words.text.contains(QString::number(grid->hiddenTokens)), qPrintable(words.text));
            QVERIFY2(words.px >= 8.0, qPrintable(QString::number(words.px)));
            QVERIFY(QFontMetricsF(pixelFont(words.px)).horizontalAdvance(words.text) <= band.width());
            // And they are painted: the band is filled with the canvas colour, so every pixel
            // off it is ink (anti-aliased small text is mostly partial ink, rarely the pen's
            // colour itself). A word of this size inks at least one pixel per pixel of height.
            int inked = 0;
            for (int y = int(band.top()) + 1; y < int(band.bottom()); ++y)
                for (int x = int(band.left()) + 1; x < int(band.right()); ++x)
                    inked += near(image.pixelColor(x, y), frame.theme.background) ? 0 : 1;
            QVERIFY2(inked >= words.px * words.text.size(), qPrintable(QString::number(inked)));
            QVERIFY(diagram.tooltipAt(QRectF(QPointF(0, 0), QSizeF(size)), frame, band.center())
                        .startsWith(QString::number(grid->hiddenTokens)));
        }
    }

    // The colour key names every colour the picture uses, below both grids, in those colours.
    void colourKeySaysWhatTheColoursMean()
    {
        const auto lesson = lessonFor(QStringLiteral("tiny-mha"));
        const Frame frame = frameAt(lesson, 3);
        const WholeCacheDiagram diagram;
        const QSize size(1200, 700);
        const QRectF page(QPointF(0, 0), QSizeF(size));
        const WholeCacheDiagram::Layout layout = diagram.layout(page, frame);
        QVERIFY(page.contains(layout.key) && !layout.key.isEmpty());
        QVERIFY(!layout.key.intersects(layout.cached.area) && !layout.key.intersects(layout.uncached.area));
        const auto entries = WholeCacheDiagram::colourKey(frame);
        QStringList texts;
        QList<QColor> colours;
        for (const auto& entry : entries) {
            texts << entry.text;
            colours << entry.colour;
        }
        QVERIFY(colours.contains(frame.theme.stateColor(CellState::New)));      // the appended rows' outline
        QVERIFY(colours.contains(frame.theme.stateColor(CellState::Recomputed))); // the uncached side's outline
        QVERIFY(texts.join(' ').contains(QStringLiteral("value")));
        QVERIFY(!colours.contains(frame.theme.stateColor(CellState::Stale))); // no stale rows in this walk-through
        // The key is painted: the "new" and "recomputed" colours appear in its band.
        const QImage image = rendered(diagram, frame, size);
        const QImage key = image.copy(layout.key.toAlignedRect());
        for (CellState state : {CellState::New, CellState::Recomputed}) {
            bool found = false;
            for (int y = 0; y < key.height() && !found; ++y)
                for (int x = 0; x < key.width() && !found; ++x)
                    found = near(key.pixelColor(x, y), frame.theme.stateColor(state));
            QVERIFY2(found, qPrintable(Theme::stateName(state)));
        }
        // With stale rows (the forgotten reset), the key says what they are.
        LessonFactory factory;
        factory.loadModel(kvtest::shippedModelDir(QStringLiteral("tiny-mha")));
        const auto stale = factory.staleCache(QStringLiteral("I"), QStringLiteral("the cat"), kv::GenerationSettings{});
        bool named = false;
        for (const auto& entry : WholeCacheDiagram::colourKey(frameAt(stale, 0)))
            named = named || entry.colour == frame.theme.stateColor(CellState::Stale);
        QVERIFY(named);
    }

    // Clicking a head's cell in the all-heads dock of the real window selects that layer and head in the panes.
    void clickingACellSelectsThatHead()
    {
        MainWindow window(*CliOptions::parse({QStringLiteral("kvcache-lab")}).options);
        window.resize(1600, 960);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QDockWidget* dock = window.docks()->allHeadsDock();
        dock->toggleViewAction()->trigger(); // View ▸ All Heads at This Step: a new tab beside the charts
        QTRY_VERIFY(dock->isVisible());
        dock->raise(); // its tab clicked

        AllHeadsWidget* widget = window.docks()->allHeads();
        QTRY_VERIFY(widget->frame().valid());
        const Frame& frame = window.controller()->frame();
        const kv::ModelConfig& config = frame.lesson->config();
        QVERIFY(config.nLayer > 1 && config.nHead > 2);
        const int layer = config.nLayer - 1;
        const int head = config.nHead - 2;
        QVERIFY(frame.layer != layer || frame.head != head);
        const AllHeadsDiagram::Layout layout = widget->grid().layout(QRectF(widget->rect()), widget->frame());
        QTest::mouseClick(widget, Qt::LeftButton, {}, layout.cached.cellRect(layer, head).center().toPoint());
        QCOMPARE(window.controller()->frame().layer, layer);
        QCOMPARE(window.controller()->frame().head, head);
        QCOMPARE(window.pane(kv::DecodeMode::Cached)->frame().head, head);
        QTest::mouseClick(widget, Qt::LeftButton, {}, layout.uncached.cellRect(0, 1).center().toPoint());
        QCOMPARE(window.controller()->frame().layer, 0);
        QCOMPARE(window.controller()->frame().head, 1);
    }

    void pageKeepsTheStripWholeOnALongWalkThrough_data()
    {
        QTest::addColumn<QString>("view");
        QTest::newRow("both panes") << QStringLiteral("both");
        QTest::newRow("whole-cache") << QStringLiteral("whole-cache");
        QTest::newRow("all-heads") << QStringLiteral("all-heads");
    }

    // 140 tokens do not fit a page's strip: it elides the middle at its own
    // height. Shrunk to the width its unelided tokens would need, it was a
    // sliver whose boxes spilled over the title of the view below it.
    void pageKeepsTheStripWholeOnALongWalkThrough()
    {
        QFETCH(QString, view);
        const kv::ModelBundle& words = kvtest::shippedModel(QStringLiteral("tiny-mha"));
        const kv::ModelConfig config = kv::ModelConfig::gpt2("random-2x64", 2, 64, 4, 4, 200, words.config().vocabSize);
        auto model = std::make_shared<const kv::Transformer>(kvtest::randomTransformer(config, 5, 0.1f));
        const auto lesson = kvtest::lessonFor(model, words.tokenizer, kvtest::randomTokens(20, config.vocabSize), 130);
        const Frame frame = frameAt(lesson, 120);
        PageDiagram::Options options;
        options.view = exportViewFromId(view).value();
        options.caption = false;
        options.legend = false;
        const QImage page = rendered(PageDiagram(options), frame, QSize(1920, 1080));
        // The strip fills its band with the panel colour: left of its first box, a column
        // of panel pixels runs from the strip's top to its bottom.
        const int x = 27;
        int top = 0;
        while (top < page.height() && page.pixelColor(x, top) != frame.theme.panel)
            ++top;
        int bottom = top;
        while (bottom < page.height() && page.pixelColor(x, bottom) == frame.theme.panel)
            ++bottom;
        QVERIFY2(bottom - top >= 100, qPrintable(QStringLiteral("strip %1 px high").arg(bottom - top)));
        // Below the band, before the view starts, nothing of the strip: background across the page.
        for (int column = 0; column < page.width(); ++column)
            QVERIFY2(page.pixelColor(column, bottom + 2) == frame.theme.background,
                     qPrintable(QStringLiteral("ink at (%1, %2) under the strip").arg(column).arg(bottom + 2)));
    }

    void exportWritesEachView_data()
    {
        QTest::addColumn<QString>("view");
        QTest::newRow("whole-cache") << QStringLiteral("whole-cache");
        QTest::newRow("all-heads") << QStringLiteral("all-heads");
    }

    // --view whole-cache and --view all-heads are export views, and a page of each is written.
    void exportWritesEachView()
    {
        QFETCH(QString, view);
        const std::optional<ExportView> chosen = exportViewFromId(view);
        QVERIFY(chosen.has_value());
        QTemporaryDir root;
        ExportSettings settings;
        settings.directory = root.filePath(view);
        settings.view = *chosen;
        settings.steps = ExportSettings::Steps::Range;
        settings.firstStep = 2;
        settings.lastStep = 2;
        const ExportJob job(settings, frameAt(lessonFor(QStringLiteral("tiny-gqa")), 2));
        const ExportJob::Result result = job.run();
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.files.size(), 1);
        const QImage page(result.files.first());
        QCOMPARE(page.size(), QSize(1920, 1080));
        QSet<QRgb> colours; // heatmaps of values and weights: many colours, not an empty page
        for (int y = 0; y < page.height(); y += 3)
            for (int x = 0; x < page.width(); x += 3)
                colours.insert(page.pixel(x, y));
        QVERIFY2(colours.size() > 100, qPrintable(QString::number(colours.size())));
    }
};

QTEST_MAIN(TestCacheViews)
#include "tst_cacheviews.moc"
