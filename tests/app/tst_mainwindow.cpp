#include "app/window/AnalysisDocks.h"
#include "views/diagrams/AttentionDiagram.h"
#include "app/cli/CliOptions.h"
#include "core/lab/Demonstrations.h"
#include "views/diagrams/DiagramWidget.h"
#include "views/diagrams/LegendDiagram.h"
#include "views/memory/MemoryCalculatorPanel.h"
#include "app/window/MainWindow.h"
#include "views/playback/PlaybackController.h"
#include "views/playback/PromptEdit.h"
#include "views/diagrams/TokenStripDiagram.h"
#include "views/playback/PhaseList.h"
#include "tests/support/FreshSettings.h"

#include <QClipboard>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QToolBar>
#include <QtTest>
#include <QToolTip>
#include <QWheelEvent>
#include <QtTest/qtestspontaneevent.h>

using namespace kvlab;
using kv::DecodeMode;

namespace {

// The shipped GPT-2 models' steps: seven phases (no RoPE, so no Rotate).
const int kPhaseCount = PhaseList().count();

CliOptions defaultOptions()
{
    return *CliOptions::parse({QStringLiteral("kvcache-lab")}).options;
}

// Is `color` within a few units of `expected` in every channel?
bool near(QColor color, QColor expected, int tolerance = 12)
{
    return std::abs(color.red() - expected.red()) <= tolerance && std::abs(color.green() - expected.green()) <= tolerance
        && std::abs(color.blue() - expected.blue()) <= tolerance;
}

// The colour of a cell's state border: sampled just inside its top-left corner.
QColor borderColour(const QImage& image, const MatrixPlacement& place, int row, int col)
{
    const QRectF cell = place.cellRect(row, col);
    const double inset = std::max(1.0, cell.width() * 0.06);
    return image.pixelColor(int(cell.left() + inset + 1.0), int(cell.top() + cell.height() / 2));
}

// A wheel notch over `widget`, delivered as the window system would (so that
// focus-on-wheel applies).
void turnWheel(QWidget* widget, int notches = 1)
{
    const QPointF local = QRectF(widget->rect()).center();
    QWheelEvent wheel(local, widget->mapToGlobal(local), QPoint(), QPoint(0, 120 * notches), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QSpontaneKeyEvent::setSpontaneous(&wheel);
    QApplication::sendEvent(widget, &wheel);
}

// A copy of the shipped tiny-mha folder in `dir`, for breaking one of its files.
bool copyShippedModel(const QString& dir)
{
    const QString source = QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-mha/");
    for (const char* file : {"config.json", "model.safetensors", "vocab.txt"})
        if (!QFile::copy(source + file, dir + QLatin1Char('/') + file))
            return false;
    return true;
}

CliOptions optionsFor(const QStringList& arguments)
{
    return *CliOptions::parse(QStringList{QStringLiteral("kvcache-lab")} + arguments).options;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> m_window;

    PlaybackController& controller() { return *m_window->controller(); }
    QToolBar* toolbar(const char* name) { return m_window->findChild<QToolBar*>(QString::fromLatin1(name)); }
    QSpinBox* layerSpinner() { return toolbar("modelBar")->findChildren<QSpinBox*>().value(0); }
    // Where the panes start, in window coordinates.
    QPoint panesTopLeft() { return m_window->pane(DecodeMode::Uncached)->mapTo(m_window.get(), QPoint(0, 0)); }
    QList<QDockWidget*> visibleDocks()
    {
        QList<QDockWidget*> docks;
        for (QDockWidget* dock : m_window->findChildren<QDockWidget*>())
            if (dock->isVisible())
                docks << dock;
        return docks;
    }
    void press(int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier, int times = 1)
    {
        for (int i = 0; i < times; ++i)
            QTest::keyClick(m_window.get(), static_cast<Qt::Key>(key), modifiers);
    }
    void goToStep(int step, Phase phase)
    {
        press(Qt::Key_Home);
        press(Qt::Key_Right, Qt::ShiftModifier, step);
        press(Qt::Key_Right, Qt::NoModifier, PhaseList().indexOf(phase));
        QCOMPARE(controller().frame().step, step);
        QCOMPARE(controller().frame().phase, phase);
    }

private slots:
    void initTestCase()
    {
        kvtest::startWithFreshSettings();
    }

    void init()
    {
        m_window = std::make_unique<MainWindow>(defaultOptions());
        m_window->resize(1600, 960);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        controller().setReducedMotion(true);
    }

    void cleanup() { m_window.reset(); }

    void opensOnTheDefaultWalkThrough()
    {
        const Frame& frame = controller().frame();
        QVERIFY(frame.valid());
        QCOMPARE(frame.lesson->stepCount(), 5);
        QCOMPARE(QString::fromStdString(frame.lesson->tokenizer->decode(frame.lesson->run.cached.generated())),
                 QStringLiteral("saw a beautiful car [EOS]"));
        QCOMPARE(controller().position(), 0);
    }

    void keyboardWalksThroughAndBack()
    {
        press(Qt::Key_Right, Qt::NoModifier, 5 * kPhaseCount + 3);
        QCOMPARE(controller().position(), 5 * kPhaseCount - 1); // stops at the last phase of the last step
        press(Qt::Key_Home);
        QCOMPARE(controller().position(), 0);
        press(Qt::Key_Right, Qt::ShiftModifier, 2);
        QCOMPARE(controller().frame().step, 2);
        QCOMPARE(controller().frame().phase, Phase::TokenIn);
        press(Qt::Key_Right);
        press(Qt::Key_Left, Qt::ShiftModifier); // back to the start of this step
        QCOMPARE(controller().position(), 2 * kPhaseCount);
        press(Qt::Key_Left, Qt::ShiftModifier);
        QCOMPARE(controller().position(), kPhaseCount);
        press(Qt::Key_End);
        QCOMPARE(controller().position(), 5 * kPhaseCount - 1);
        QVERIFY(m_window->narration()->text().contains(QStringLiteral("“[EOS]”")));
    }

    // The narration on screen counts in words a room reads aloud: "the other
    // row" at step 1, "the other 3 rows" at step 3, never "1 rows".
    void narrationAgreesInNumber()
    {
        const QLabel* narration = m_window->narration();
        controller().setPosition(kPhaseCount + 3); // step 1, scores
        QVERIFY2(narration->text().contains(QStringLiteral("the other row was known at the last step")),
                 qPrintable(narration->text()));
        controller().setPosition(kPhaseCount + 1); // step 1, project q, k, v
        QVERIFY2(narration->text().contains(QStringLiteral("the old row comes out")), qPrintable(narration->text()));
        controller().setPosition(3 * kPhaseCount + 3); // step 3, scores
        QVERIFY2(narration->text().contains(QStringLiteral("the other 3 rows were known")),
                 qPrintable(narration->text()));
        controller().setPosition(3 * kPhaseCount + 1);
        QVERIFY2(narration->text().contains(QStringLiteral("the 3 old rows come out")), qPrintable(narration->text()));
    }

    void spaceStartsAndStopsPlayback()
    {
        press(Qt::Key_Space);
        QVERIFY(controller().playing());
        QTRY_VERIFY_WITH_TIMEOUT(controller().position() >= 1, 3000);
        press(Qt::Key_Space);
        QVERIFY(!controller().playing());
    }

    void tokenStripShowsBeautifulAtPositionThree()
    {
        goToStep(3, Phase::Scores);
        const DiagramWidget* strip = m_window->tokenStrip();
        const auto& diagram = static_cast<const TokenStripDiagram&>(strip->diagram());
        const auto boxes = diagram.boxes(QRectF(strip->rect()), strip->frame());
        QCOMPARE(boxes.size(), std::size_t(4));
        QCOMPARE(boxes[3].text, QStringLiteral("beautiful"));
        QCOMPARE(boxes[3].position, 3);
        QVERIFY(boxes[3].current && !boxes[2].current);
        const QImage image = strip->render();
        const QColor newColour = strip->frame().theme.stateColor(CellState::New);
        const QRectF box = boxes[3].rect;
        QVERIFY(near(image.pixelColor(int(box.center().x()), int(box.top() + 1)), newColour, 40));
        QVERIFY(!near(image.pixelColor(int(boxes[2].rect.center().x()), int(boxes[2].rect.top() + 1)), newColour, 40));
    }

    void cachedPaneShowsTheNewColumnAndRow()
    {
        goToStep(3, Phase::NextToken);
        DiagramWidget* pane = m_window->pane(DecodeMode::Cached);
        const auto& diagram = static_cast<const AttentionDiagram&>(pane->diagram());
        const auto layout = diagram.layout(QRectF(pane->rect()), pane->frame());
        const QImage image = pane->render();
        const Theme& theme = pane->frame().theme;
        const MatrixSpec& keys = layout.matrix(MatrixSpec::Role::KeysT);
        QCOMPARE(keys.cols(), 4);
        QCOMPARE(keys.rows(), 8);
        QVERIFY(near(borderColour(image, layout.place(MatrixSpec::Role::KeysT), 0, 3), theme.stateColor(CellState::New)));
        QVERIFY(near(borderColour(image, layout.place(MatrixSpec::Role::KeysT), 5, 0), theme.stateColor(CellState::FromCache)));
        const MatrixSpec& values = layout.matrix(MatrixSpec::Role::Values);
        QCOMPARE(values.rows(), 4);
        QVERIFY(near(borderColour(image, layout.place(MatrixSpec::Role::Values), 3, 2), theme.stateColor(CellState::New)));
        QVERIFY(near(borderColour(image, layout.place(MatrixSpec::Role::Values), 1, 2), theme.stateColor(CellState::FromCache)));
        QCOMPARE(layout.matrix(MatrixSpec::Role::Queries).rows(), 1); // one query row
        QCOMPARE(layout.matrix(MatrixSpec::Role::Scores).rows(), 1); // one score row
    }

    void uncachedPaneShowsTheRecomputation()
    {
        goToStep(3, Phase::NextToken);
        DiagramWidget* pane = m_window->pane(DecodeMode::Uncached);
        const auto& diagram = static_cast<const AttentionDiagram&>(pane->diagram());
        const auto layout = diagram.layout(QRectF(pane->rect()), pane->frame());
        const QImage image = pane->render();
        const Theme& theme = pane->frame().theme;
        QCOMPARE(layout.matrix(MatrixSpec::Role::Queries).rows(), 4); // all of Q
        QCOMPARE(layout.matrix(MatrixSpec::Role::Scores).rows(), 4); // the full score triangle
        QVERIFY(near(borderColour(image, layout.place(MatrixSpec::Role::Queries), 0, 0), theme.stateColor(CellState::Recomputed)));
        QVERIFY(near(borderColour(image, layout.place(MatrixSpec::Role::Queries), 2, 5), theme.stateColor(CellState::Recomputed)));
        QVERIFY(near(borderColour(image, layout.place(MatrixSpec::Role::Queries), 3, 5), theme.stateColor(CellState::New)));
        QCOMPARE(layout.matrix(MatrixSpec::Role::Scores).state(0, 0), CellState::Recomputed); // layer 0: the next layer needs it
        QCOMPARE(layout.matrix(MatrixSpec::Role::Scores).state(0, 1), CellState::Masked);
        QCOMPARE(layout.matrix(MatrixSpec::Role::Scores).state(3, 3), CellState::New);
        const QRectF masked = layout.place(MatrixSpec::Role::Scores).cellRect(0, 3);
        QVERIFY(near(image.pixelColor(masked.center().toPoint()), theme.stateColor(CellState::Masked), 4));
    }

    void steppingBackRestoresThePicture()
    {
        goToStep(2, Phase::Softmax);
        const QImage before = m_window->pane(DecodeMode::Cached)->render();
        press(Qt::Key_Right, Qt::NoModifier, 3);
        press(Qt::Key_Right, Qt::ShiftModifier);
        QVERIFY(m_window->pane(DecodeMode::Cached)->render() != before);
        press(Qt::Key_Left, Qt::ShiftModifier, 2);
        press(Qt::Key_Right, Qt::NoModifier, PhaseList().indexOf(Phase::Softmax));
        QCOMPARE(m_window->pane(DecodeMode::Cached)->render(), before);
    }

    void unknownWordIsRefusedAndTheWalkThroughStays()
    {
        const auto lessonBefore = controller().frame().lesson;
        PromptEdit* prompt = m_window->promptEdit();
        prompt->clear();
        QTest::keyClicks(prompt, QStringLiteral("I zebra"));
        QCOMPARE(prompt->unknownWords().size(), 1);
        QCOMPARE(prompt->unknownWords().front().word, QStringLiteral("zebra"));
        QTest::keyClick(prompt, Qt::Key_Return);
        QVERIFY(m_window->promptError()->text().contains(QStringLiteral("\"zebra\"")));
        QCOMPARE(controller().frame().lesson, lessonBefore);
    }

    void enterRerunsBothPaths()
    {
        PromptEdit* prompt = m_window->promptEdit();
        prompt->clear();
        QTest::keyClicks(prompt, QStringLiteral("the cat"));
        QTest::keyClick(prompt, Qt::Key_Return);
        const Frame& frame = controller().frame();
        QCOMPARE(frame.lesson->run.cached.prompt.size(), std::size_t(2));
        // The uncached passes run when their step is shown; run them all to compare.
        frame.lesson->walk->runPending([] { return true; }, [](int, int) {});
        QCOMPARE(frame.lesson->walk->pendingCount(), 0);
        QVERIFY(frame.lesson->run.sameTokens());
        QVERIFY(m_window->promptError()->text().isEmpty());
    }

    void demonstrationsChangeTheNextTokenAsTheCoreSays()
    {
        const auto& bundle = m_window->lessons().bundle();
        const auto eos = bundle.tokenizer->eosId();
        m_window->demonstrate(Lesson::Kind::StaleCache);
        QVERIFY(m_window->banner()->isVisibleTo(m_window.get()));
        const auto stale = kv::runStaleCacheDemo(*bundle.model, bundle.tokenizer->encode("I"),
                                                 bundle.tokenizer->encode("the cat"), {}, eos);
        const Frame& frame = controller().frame();
        QCOMPARE(frame.lesson->run.cached.generated(), stale.cached.generated());
        QVERIFY(stale.cached.steps[0].chosenToken != stale.uncached.steps[0].chosenToken);
        QCOMPARE(frame.lesson->run.staleCacheRows, 5);

        m_window->demonstrate(Lesson::Kind::FrozenPosition);
        const auto frozen = kv::runFrozenPositionDemo(*bundle.model, bundle.tokenizer->encode("I"), {}, eos);
        QCOMPARE(controller().frame().lesson->run.cached.generated(), frozen.cached.generated());
        QVERIFY(frozen.cached.generated() != frozen.uncached.generated());
        QVERIFY(m_window->banner()->text().contains(QStringLiteral("position 0")));

        m_window->runPrompt(QStringLiteral("I"));
        QVERIFY(!m_window->banner()->isVisibleTo(m_window.get()));
    }

    void hoverExplainsACell()
    {
        goToStep(3, Phase::NextToken);
        DiagramWidget* pane = m_window->pane(DecodeMode::Cached);
        const auto& diagram = static_cast<const AttentionDiagram&>(pane->diagram());
        const auto layout = diagram.layout(QRectF(pane->rect()), pane->frame());
        const QString tip = diagram.tooltipAt(QRectF(pane->rect()), pane->frame(), layout.place(MatrixSpec::Role::Scores).cellRect(0, 1).center());
        QVERIFY2(tip.startsWith(QStringLiteral("score[3,1] = q₃·k₁ / √8 = ")), qPrintable(tip));
        const QString key = diagram.tooltipAt(QRectF(pane->rect()), pane->frame(), layout.place(MatrixSpec::Role::KeysT).cellRect(0, 1).center());
        QVERIFY2(key.contains(QStringLiteral("read from cache")) && key.contains(QStringLiteral("first computed at step 1")),
                 qPrintable(key));
    }

    // +, − and 0 zoom both panes together; Ctrl+wheel zooms one about the
    // pointer; tooltips read the cell under the pointer at any zoom.
    void zoomKeysAndWheel()
    {
        goToStep(3, Phase::NextToken);
        DiagramWidget* pane = m_window->pane(DecodeMode::Uncached);
        DiagramWidget* other = m_window->pane(DecodeMode::Cached);
        const auto& diagram = static_cast<const AttentionDiagram&>(pane->diagram());
        const double before = diagram.layout(pane->contentRect(), pane->frame()).place(MatrixSpec::Role::Scores).cellW;
        QTest::keyClick(m_window.get(), Qt::Key_Plus);
        QTest::keyClick(m_window.get(), Qt::Key_Plus);
        QCOMPARE(pane->zoom(), 1.5625);
        QCOMPARE(other->zoom(), 1.5625);
        const auto zoomed = diagram.layout(pane->contentRect(), pane->frame());
        QVERIFY2(zoomed.place(MatrixSpec::Role::Scores).cellW > before * 1.2,
                 qPrintable(QStringLiteral("%1 vs %2").arg(zoomed.place(MatrixSpec::Role::Scores).cellW).arg(before)));

        // The tooltip of a cell, through the widget's own event, at this zoom.
        const QPoint cell = zoomed.place(MatrixSpec::Role::Scores).cellRect(3, 1).center().toPoint();
        if (QRect(QPoint(), pane->size()).contains(cell)) {
            QHelpEvent help(QEvent::ToolTip, cell, pane->mapToGlobal(cell));
            QApplication::sendEvent(pane, &help);
            QVERIFY2(QToolTip::text().startsWith(QStringLiteral("score[3,1] = q₃·k₁ / √8 = ")), qPrintable(QToolTip::text()));
        }

        QTest::keyClick(m_window.get(), Qt::Key_0);
        QCOMPARE(pane->zoom(), 1.0);
        QCOMPARE(pane->pan(), QPointF());

        // Ctrl+wheel about a point keeps the content under it in place.
        const QPointF anchor(pane->width() * 0.7, pane->height() * 0.4);
        const QPointF contentBefore = (anchor + pane->pan()) / pane->zoom();
        QWheelEvent wheel(anchor, pane->mapToGlobal(anchor), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::ControlModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(pane, &wheel);
        QCOMPARE(pane->zoom(), 1.5625);
        QCOMPARE(other->zoom(), 1.0);
        const QPointF contentAfter = (anchor + pane->pan()) / pane->zoom();
        QVERIFY(std::abs(contentAfter.x() - contentBefore.x()) < 0.5 && std::abs(contentAfter.y() - contentBefore.y()) < 0.5);
        // Dragging pans, within the content.
        const QPoint from = pane->rect().center();
        QTest::mousePress(pane, Qt::LeftButton, {}, from);
        QMouseEvent move(QEvent::MouseMove, QPointF(from - QPoint(4000, 4000)), pane->mapToGlobal(QPointF(from - QPoint(4000, 4000))),
                         Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(pane, &move);
        QTest::mouseRelease(pane, Qt::LeftButton, {}, from);
        QCOMPARE(pane->pan(), QPointF(pane->width() * 0.5625, pane->height() * 0.5625));
        QTest::keyClick(m_window.get(), Qt::Key_0);
        QCOMPARE(pane->zoom(), 1.0);
    }

    void keyboardHelpListsEveryBoundKey()
    {
        const QString list = m_window->shortcutList();
        for (const char* key : {"Space", "PgDown", "PgUp", "Shift+Right", "End", "F5", "F11", "B", "0", "+", "-"})
            QVERIFY2(list.contains(QStringLiteral("%1:").arg(QLatin1String(key))) || list.contains(QStringLiteral(" or %1:").arg(QLatin1String(key)))
                         || list.contains(QStringLiteral("%1 or").arg(QLatin1String(key))),
                     qPrintable(QStringLiteral("%1 missing from:\n%2").arg(QLatin1String(key), list)));
        QVERIFY(list.contains(QStringLiteral("Zoom In")));
    }

    void clickingATokenHighlightsIt()
    {
        goToStep(3, Phase::Mix);
        DiagramWidget* strip = m_window->tokenStrip();
        const auto& diagram = static_cast<const TokenStripDiagram&>(strip->diagram());
        const auto boxes = diagram.boxes(QRectF(strip->rect()), strip->frame());
        QTest::mouseClick(strip, Qt::LeftButton, {}, boxes[1].rect.center().toPoint());
        QCOMPARE(controller().frame().selectedToken, 1);
        const auto& pane = static_cast<const AttentionDiagram&>(m_window->pane(DecodeMode::Cached)->diagram());
        const auto layout = pane.layout(QRectF(m_window->pane(DecodeMode::Cached)->rect()), controller().frame());
        QCOMPARE(layout.matrix(MatrixSpec::Role::KeysT).highlightCol, 1);
        QCOMPARE(layout.matrix(MatrixSpec::Role::Values).highlightRow, 1);
    }

    void settingsSurviveARestart()
    {
        m_window->setThemeName(QStringLiteral("dark"));
        m_window->findChild<QSlider*>(QStringLiteral("speedSlider"))->setValue(4);
        m_window->close();
        m_window = std::make_unique<MainWindow>(defaultOptions());
        QCOMPARE(controller().frame().theme.name, QStringLiteral("dark"));
        QCOMPARE(m_window->findChild<QSlider*>(QStringLiteral("speedSlider"))->value(), 4);
        QCOMPARE(controller().speed(), 2.0);
        m_window->setThemeName(QStringLiteral("light"));
    }

    // --size and --layout: the window takes that size whatever was saved,
    // and the View menu's arrangement, its menu checks following.
    void sizeAndLayoutFromTheCommandLine_data()
    {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<bool>("uncachedShown");
        QTest::addColumn<bool>("cachedShown");
        QTest::addColumn<bool>("stacked");
        QTest::addColumn<QString>("checked");
        QTest::newRow("side") << "side" << true << true << false << "&Both Panes";
        QTest::newRow("stacked") << "stacked" << true << true << true << "&Both Panes";
        QTest::newRow("uncached") << "uncached" << true << false << false << "&Without KV Cache Only";
        QTest::newRow("cached") << "cached" << false << true << false << "With KV &Cache Only";
    }

    void sizeAndLayoutFromTheCommandLine()
    {
        QFETCH(QString, layout);
        QFETCH(bool, uncachedShown);
        QFETCH(bool, cachedShown);
        QFETCH(bool, stacked);
        QFETCH(QString, checked);
        m_window->resize(1300, 900);
        m_window->close(); // saves 1300x900 as the geometry
        const auto parsed = CliOptions::parse({QStringLiteral("kvcache-lab"), QStringLiteral("--size"), QStringLiteral("1100x700"),
                                               QStringLiteral("--layout"), layout});
        QVERIFY2(parsed.options, qPrintable(parsed.error));
        m_window = std::make_unique<MainWindow>(*parsed.options);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QCOMPARE(m_window->size(), QSize(1100, 700));
        QCOMPARE(m_window->pane(DecodeMode::Uncached)->isVisible(), uncachedShown);
        QCOMPARE(m_window->pane(DecodeMode::Cached)->isVisible(), cachedShown);
        QCOMPARE(m_window->panesStacked(), stacked);
        const QStringList arrangements{QStringLiteral("&Both Panes"), QStringLiteral("&Without KV Cache Only"),
                                       QStringLiteral("With KV &Cache Only"), QStringLiteral("&Stack Panes Vertically")};
        QStringList checks;
        for (QAction* action : m_window->menuBar()->actions().at(2)->menu()->actions())
            if (arrangements.contains(action->text()) && action->isChecked())
                checks << action->text();
        QStringList expected{checked};
        if (stacked)
            expected << QStringLiteral("&Stack Panes Vertically");
        QCOMPARE(checks, expected);
        // Presenting keeps the asked size: a screenshot of that projector.
        m_window->setPresentation(true);
        QCOMPARE(m_window->size(), QSize(1100, 700));
        m_window->setPresentation(false);
    }

    void presentationModeUsesLargeType()
    {
        QTest::keyClick(m_window.get(), Qt::Key_F5);
        QVERIFY(m_window->presenting());
        QVERIFY(controller().frame().theme.typeScale > 1.3);
        QTest::keyClick(m_window.get(), Qt::Key_Escape);
        QVERIFY(!m_window->presenting());
    }

    // After F5 the toolbars and menu are out of sight; every playback key,
    // and the clicker's PageDown / PageUp, still drives the walk-through.
    void presentationKeysWorkWithTheControlsHidden()
    {
        press(Qt::Key_F5);
        QVERIFY(m_window->presenting());
        QVERIFY(!m_window->menuBar()->isVisible());
        QVERIFY(!m_window->controlsShown());
        press(Qt::Key_Right);
        QCOMPARE(controller().position(), 1);
        press(Qt::Key_Right, Qt::ShiftModifier);
        QCOMPARE(controller().position(), kPhaseCount);
        press(Qt::Key_PageDown, Qt::NoModifier, 2);
        QCOMPARE(controller().position(), kPhaseCount + 2);
        press(Qt::Key_PageUp);
        QCOMPARE(controller().position(), kPhaseCount + 1);
        press(Qt::Key_End);
        QCOMPARE(controller().position(), 5 * kPhaseCount - 1);
        press(Qt::Key_Home);
        press(Qt::Key_Space);
        QVERIFY(controller().playing());
        press(Qt::Key_Space);
        QVERIFY(!controller().playing());
        press(Qt::Key_Escape);
        QVERIFY(!m_window->presenting());
    }

    // B or "." blacks the screen out and back; the keys still work beneath.
    void clickerBlacksTheScreenOut()
    {
        press(Qt::Key_F5);
        QWidget* black = m_window->findChild<QWidget*>(QStringLiteral("blackScreen"));
        QVERIFY(black);
        QVERIFY(!black->isVisible());
        press(Qt::Key_B);
        QVERIFY(black->isVisible());
        QCOMPARE(black->geometry(), m_window->rect());
        const QImage shown = m_window->grab().toImage();
        QCOMPARE(shown.pixelColor(shown.width() / 2, shown.height() / 2), QColor(Qt::black));
        QCOMPARE(shown.pixelColor(10, 10), QColor(Qt::black));
        press(Qt::Key_PageDown);
        QCOMPARE(controller().position(), 1);
        press(Qt::Key_Period);
        QVERIFY(!black->isVisible());
        press(Qt::Key_Period);
        QVERIFY(black->isVisible());
        press(Qt::Key_Escape); // leaving presentation lifts it
        QVERIFY(!black->isVisible());
    }

    // The pointer brings the toolbars back in presentation; nothing below them moves.
    void presentationControlsDoNotMoveThePanes()
    {
        press(Qt::Key_F5);
        QTest::qWait(50);
        const QPoint hidden = panesTopLeft();
        QTest::mouseMove(m_window.get(), QPoint(400, 300));
        QTest::mouseMove(m_window.get(), QPoint(420, 310));
        QTRY_VERIFY(m_window->controlsShown());
        QCOMPARE(panesTopLeft(), hidden);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->controlsShown(), 4000);
        QCOMPARE(panesTopLeft(), hidden);
        // The toolbars float over the canvas: no band of their own above it.
        QCOMPARE(m_window->centralWidget()->geometry().top(), 0);
        QVERIFY(toolbar("playbackBar")->geometry().intersects(m_window->centralWidget()->geometry()));
    }

    // Esc gives back the very docks the user had, where they were.
    void leavingPresentationRestoresTheDocks()
    {
        m_window->samplingToggle()->trigger();
        for (QAction* toggle : m_window->docks()->toggleActions())
            if (!toggle->isChecked())
                toggle->trigger();
        QTest::qWait(50);
        const QList<QDockWidget*> before = visibleDocks();
        QVERIFY(before.size() >= 2);
        QMap<QDockWidget*, QRect> places;
        for (QDockWidget* dock : before)
            places[dock] = dock->geometry();
        const QByteArray state = m_window->saveState();
        const QRect geometry = m_window->geometry();
        press(Qt::Key_F5);
        QVERIFY(visibleDocks().isEmpty());
        press(Qt::Key_Escape);
        QTest::qWait(50);
        QCOMPARE(visibleDocks(), before);
        for (QDockWidget* dock : before)
            QCOMPARE(dock->geometry(), places[dock]);
        QCOMPARE(m_window->saveState(), state);
        QCOMPARE(m_window->geometry(), geometry);
        QVERIFY(m_window->menuBar()->isVisible());
        QVERIFY(toolbar("playbackBar")->isVisible() && toolbar("playbackBar")->isEnabled());
    }

    // Closing the window while presenting keeps the docks for the next start.
    void closingWhilePresentingKeepsTheDocks()
    {
        m_window->samplingToggle()->trigger();
        QVERIFY(m_window->findChild<QDockWidget*>(QStringLiteral("samplingDock"))->isVisible());
        const QSize size = m_window->size();
        press(Qt::Key_F5);
        m_window->close();
        m_window = std::make_unique<MainWindow>(defaultOptions());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QVERIFY(!m_window->presenting());
        QVERIFY(m_window->findChild<QDockWidget*>(QStringLiteral("samplingDock"))->isVisible());
        QCOMPARE(m_window->size(), size);
        m_window->samplingToggle()->trigger();
        m_window->close(); // the next tests start without the dock
    }

    // After the layer spinner, the playback keys reach playback; Up still changes the layer.
    void playbackKeysPassTheLayerSpinner()
    {
        QSpinBox* layer = layerSpinner();
        QVERIFY(layer);
        layer->setFocus();
        QTest::keyClick(layer, Qt::Key_Up);
        QCOMPARE(controller().frame().layer, 1);
        QVERIFY(layer->hasFocus());
        QTest::keyClick(layer, Qt::Key_Right);
        QCOMPARE(controller().position(), 1);
        QTest::keyClick(layer, Qt::Key_End);
        QCOMPARE(controller().position(), 5 * kPhaseCount - 1);
        QTest::keyClick(layer, Qt::Key_Left);
        QCOMPARE(controller().position(), 5 * kPhaseCount - 2);
        QTest::keyClick(layer, Qt::Key_Space);
        QVERIFY(controller().playing());
        QTest::keyClick(layer, Qt::Key_Space);
        QVERIFY(!controller().playing());
        QTest::keyClick(layer, Qt::Key_Escape);
        QVERIFY(!layer->hasFocus());
        QCOMPARE(controller().frame().layer, 1);
    }

    // While a prompt is typed the keys edit it; Enter runs it and hands the keys back.
    void promptBoxKeepsItsKeysUntilEnter()
    {
        PromptEdit* prompt = m_window->promptEdit();
        prompt->setFocus();
        prompt->clear();
        QTest::keyClicks(prompt, QStringLiteral("the ct"));
        QTest::keyClick(prompt, Qt::Key_Left);
        QTest::keyClick(prompt, Qt::Key_A);
        QCOMPARE(prompt->text(), QStringLiteral("the cat"));
        QCOMPARE(controller().position(), 0);
        QTest::keyClick(prompt, Qt::Key_Return);
        QCOMPARE(controller().frame().lesson->run.cached.prompt.size(), std::size_t(2));
        QVERIFY(!prompt->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Right);
        QCOMPARE(controller().position(), 1);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_End);
        QCOMPARE(controller().position(), controller().positionCount() - 1);
        prompt->setFocus();
        QTest::keyClick(prompt, Qt::Key_Home); // edits: the cursor goes to the start
        QCOMPARE(prompt->cursorPosition(), 0);
        QCOMPARE(controller().position(), controller().positionCount() - 1);
        QTest::keyClick(prompt, Qt::Key_Escape);
        QVERIFY(!prompt->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Home);
        QCOMPARE(controller().position(), 0);
    }

    // The wheel over the memory calculator scrolls past its fields; a field
    // changes by wheel only once it has the focus.
    void wheelChangesOnlyTheFocusedField()
    {
        m_window->docks()->showMemory();
        QTest::qWait(50);
        for (const char* name : {"kvHeadsOverride", "context", "batch"}) {
            auto* box = m_window->docks()->memory()->findChild<QSpinBox*>(QString::fromLatin1(name));
            QVERIFY2(box && box->isVisible(), name);
            const int before = box->value();
            turnWheel(box);
            QCOMPARE(box->value(), before);
            QVERIFY(!box->hasFocus());
            box->setFocus();
            turnWheel(box);
            QVERIFY2(box->value() != before, name);
        }
        QSpinBox* layer = layerSpinner();
        turnWheel(layer);
        QCOMPARE(layer->value(), 0);
        QCOMPARE(controller().frame().layer, 0);
    }

    // File ▸ Open Model Folder on a broken folder: a dialog in words, and the model stays.
    void brokenModelFolderKeepsTheModel()
    {
        QTemporaryDir dir;
        QVERIFY(copyShippedModel(dir.path()));
        QFile config(dir.path() + "/config.json");
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write("{\"n_layer\": 2,\n \"n_embd\": oops}");
        config.close();
        const auto lessonBefore = controller().frame().lesson;
        QSignalSpy ended(m_window.get(), &MainWindow::modelLoadEnded);
        m_window->openModelFolder(dir.path());
        QVERIFY(ended.wait(20000));
        auto* box = m_window->findChild<QMessageBox*>();
        QVERIFY(box && box->isVisible());
        const QString title = box->windowTitle();
        const QString text = box->text() + "\n" + box->informativeText();
        box->accept();
        QVERIFY2(text.contains("config.json") && text.contains("line 2"), qPrintable(text));
        QVERIFY2(!text.contains("json.exception") && !text.contains("parse_error"), qPrintable(text));
        QVERIFY2(text.contains("tiny-mha, stays open"), qPrintable(text));
        QVERIFY(!title.isEmpty());
        QCOMPARE(controller().frame().lesson, lessonBefore);
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
    }

    // A window opened with --model on a missing folder is an error, not tiny-mha.
    void missingModelIsAStartupError()
    {
        MainWindow window(optionsFor({"--model", "/nonexistent/model"}));
        QVERIFY2(window.startupError().contains("/nonexistent/model: model folder not found"),
                 qPrintable(window.startupError()));
        QVERIFY(m_window->startupError().isEmpty());
    }

    // tiny-llama (rotary positions): eight phases a step, the arrow keys step
    // through Rotate between Project and Append, and --phase 3 opens on it;
    // GPT-2's numbering is unchanged (--phase 3 is Append there, 8 is clamped).
    void arrowKeysStepThroughRotateOnLlama()
    {
        m_window = std::make_unique<MainWindow>(
            optionsFor({"--model", QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-llama")}));
        m_window->resize(1600, 960);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        controller().setReducedMotion(true);
        QCOMPARE(controller().phasesPerStep(), 8);
        QCOMPARE(QString::fromStdString(controller().frame().lesson->tokenizer->decode(
                     controller().frame().lesson->run.cached.generated())),
                 QStringLiteral("saw a beautiful car [EOS]"));
        press(Qt::Key_Home);
        press(Qt::Key_Right, Qt::ShiftModifier, 3);
        std::vector<Phase> seen;
        for (int i = 0; i < 8; ++i) {
            QCOMPARE(controller().frame().step, 3);
            seen.push_back(controller().frame().phase);
            if (seen.back() == Phase::Rotate)
                QVERIFY2(m_window->narration()->text().contains(QStringLiteral("llama2.c")),
                         qPrintable(m_window->narration()->text()));
            press(Qt::Key_Right);
        }
        const std::vector<Phase> eight{Phase::TokenIn, Phase::Project, Phase::Rotate, Phase::Append,
                                       Phase::Scores,  Phase::Softmax, Phase::Mix,    Phase::NextToken};
        QVERIFY(seen == eight);
        QCOMPARE(controller().position(), 4 * 8);
        press(Qt::Key_Left, Qt::NoModifier, 6);
        QCOMPARE(controller().frame().phase, Phase::Rotate);
        press(Qt::Key_End);
        QCOMPARE(controller().position(), 5 * 8 - 1);

        QVERIFY(m_window->openAt(3, 3).isEmpty());
        QCOMPARE(controller().frame().phase, Phase::Rotate);
        QVERIFY(m_window->openAt(3, 8).isEmpty());
        QCOMPARE(controller().frame().phase, Phase::NextToken);
    }

    void phaseNumbersKeepTheirGpt2Meaning()
    {
        QVERIFY(m_window->openAt(3, 3).isEmpty());
        QCOMPARE(controller().frame().phase, Phase::Append);
        QVERIFY(m_window->openAt(3, 4).isEmpty());
        QCOMPARE(controller().frame().phase, Phase::Scores);
        const QString note = m_window->openAt(3, 8);
        QVERIFY2(note.contains(QStringLiteral("this model's steps have 7 phases")), qPrintable(note));
        QCOMPARE(controller().frame().phase, Phase::NextToken);
        QCOMPARE(controller().frame().step, 3);
    }

    // --prompt zebra: the words stay to be fixed, marked, with the message, over the default walk-through.
    void unknownWordOnTheCommandLineKeepsTheText()
    {
        m_window = std::make_unique<MainWindow>(optionsFor({"--prompt", "I zebra"}));
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QCOMPARE(m_window->promptEdit()->text(), QStringLiteral("I zebra"));
        QCOMPARE(m_window->promptEdit()->unknownWords().size(), 1);
        QCOMPARE(m_window->promptEdit()->unknownWords().front().word, QStringLiteral("zebra"));
        QVERIFY2(m_window->promptError()->isVisible() && m_window->promptError()->text().contains("\"zebra\""),
                 qPrintable(m_window->promptError()->text()));
        QVERIFY(controller().frame().valid());
        QCOMPARE(controller().frame().lesson->stepCount(), 5);
        QVERIFY(!m_window->narration()->text().isEmpty());
    }

    // --max-new is honoured in the window, as in --text: at first and when a prompt is run again.
    void maxNewIsHonouredInTheWindow()
    {
        m_window = std::make_unique<MainWindow>(optionsFor({"--max-new", "2"}));
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QCOMPARE(controller().frame().lesson->stepCount(), 2);
        PromptEdit* prompt = m_window->promptEdit();
        prompt->clear();
        QTest::keyClicks(prompt, QStringLiteral("the cat"));
        QTest::keyClick(prompt, Qt::Key_Return);
        QCOMPARE(controller().frame().lesson->run.cached.prompt.size(), std::size_t(2));
        QCOMPARE(controller().frame().lesson->stepCount(), 2);
    }

    // A good prompt clears the refusal from the status bar and the message line.
    void goodPromptClearsTheRefusal()
    {
        QVERIFY(!m_window->runPrompt(QStringLiteral("I zebra")));
        QVERIFY(m_window->statusBar()->currentMessage().startsWith(QStringLiteral("Prompt refused")));
        QVERIFY(m_window->runPrompt(QStringLiteral("the cat")));
        QVERIFY2(m_window->statusBar()->currentMessage().isEmpty(), qPrintable(m_window->statusBar()->currentMessage()));
        QVERIFY(m_window->promptError()->text().isEmpty());
    }

    // The whole refusal can be read: it wraps inside the window instead of running off its right edge.
    void refusalIsShownInFull()
    {
        m_window->resize(1000, 800);
        QTest::qWait(50);
        QVERIFY(!m_window->runPrompt(QStringLiteral("I zebra giraffe hippopotamus")));
        QLabel* error = m_window->promptError();
        QTest::qWait(50);
        QVERIFY(error->isVisible());
        const QRect inWindow(error->mapTo(m_window.get(), QPoint(0, 0)), error->size());
        QVERIFY2(m_window->rect().contains(inWindow), qPrintable(QStringLiteral("%1,%2 %3x%4").arg(inWindow.x()).arg(inWindow.y()).arg(inWindow.width()).arg(inWindow.height())));
        const QRect needed = error->fontMetrics().boundingRect(error->contentsRect(), Qt::TextWordWrap, error->text());
        QVERIFY2(needed.width() <= error->contentsRect().width() && needed.height() <= error->contentsRect().height(),
                 qPrintable(error->text()));
    }

    // --step past the end opens at the last step and says so.
    void stepPastTheEndIsClampedAloud()
    {
        const QString note = m_window->openAt(99, 1);
        QCOMPARE(controller().frame().step, 4);
        QVERIFY2(note.contains("--step 99") && note.contains("5 steps"), qPrintable(note));
        QCOMPARE(m_window->statusBar()->currentMessage(), note);
        QVERIFY(m_window->openAt(2, 3).isEmpty());
        QCOMPARE(controller().position(), 2 * kPhaseCount + 2);
    }

    void ctrlCCopiesTheFrameAsImageAndSvg()
    {
        goToStep(2, Phase::Mix);
        QGuiApplication::clipboard()->clear();
        QTest::keyClick(m_window.get(), Qt::Key_C, Qt::ControlModifier);
        const QMimeData* data = QGuiApplication::clipboard()->mimeData();
        QVERIFY(data && data->hasImage());
        QVERIFY(data->hasFormat(QStringLiteral("image/svg+xml")));
        QVERIFY(data->data(QStringLiteral("image/svg+xml")).contains("beautiful") == false); // step 2: "a" is the newest
        QVERIFY(data->data(QStringLiteral("image/svg+xml")).contains(">saw<"));
    }

    void paintingOneFrameAt1080p()
    {
        goToStep(3, Phase::NextToken);
        const Frame frame = controller().frame();
        QImage image(1920, 1080, QImage::Format_ARGB32_Premultiplied);
        const TokenStripDiagram strip;
        const AttentionDiagram uncached(DecodeMode::Uncached);
        const AttentionDiagram cached(DecodeMode::Cached);
        const LegendDiagram legend;
        QBENCHMARK {
            QPainter painter(&image);
            strip.paint(painter, QRectF(0, 0, 1920, 120), frame);
            uncached.paint(painter, QRectF(0, 120, 960, 800), frame);
            cached.paint(painter, QRectF(960, 120, 960, 800), frame);
            legend.paint(painter, QRectF(0, 920, 1920, 40), frame);
        }
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
