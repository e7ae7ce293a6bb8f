// Generation on a model too large to generate at once: the window opens on
// the first steps while the rest run on a thread, shows the progress, and
// Cancel, Esc, a new prompt or another model stop it cleanly. Driven through
// the real window on a random model written for the test.
#include "app/cli/CliOptions.h"
#include "app/window/Generation.h"
#include "app/window/GenerationBar.h"
#include "app/window/LessonFactory.h"
#include "app/window/MainWindow.h"
#include "core/io/ModelFolderWriter.h"
#include "views/playback/PlaybackController.h"
#include "views/playback/PromptEdit.h"
#include "views/playback/SamplingPanel.h"
#include "tests/support/FreshSettings.h"

#include <QEventLoop>
#include <QLabel>
#include <QPointer>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

using namespace kvlab;
using kv::DecodeMode;

namespace {

const QString kPrompt = QStringLiteral("the cat sat on the mat");
constexpr int kMaxNew = 240;

} // namespace

class TestGeneration : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_modelDir;
    int m_steps = 0; // the steps kPrompt's walk-through has (greedy, up to [EOS] or kMaxNew)
    std::unique_ptr<MainWindow> m_window;

    PlaybackController& controller() { return *m_window->controller(); }
    GenerationBar* bar() { return m_window->generationBar(); }

    // The window on the large model as the command line opens it: the model
    // loads on a thread (it is over MainWindow::kStartupLoadAtOnceBytes).
    void constructWindow(const QString& prompt = kPrompt)
    {
        const QStringList arguments{QStringLiteral("kvcache-lab"), QStringLiteral("--model"), m_modelDir.path(),
                                    QStringLiteral("--prompt"), prompt, QStringLiteral("--max-new"),
                                    QString::number(kMaxNew)};
        m_window = std::make_unique<MainWindow>(*CliOptions::parse(arguments).options);
        m_window->resize(1600, 960);
        m_window->show();
        controller().setReducedMotion(true);
    }

    // The window on the large model, loaded, its generation just started. It
    // is not waited on to be exposed: the steps reach the window only through
    // its event loop, which runs only in waitForSteps and the QTRY waits (the
    // wait for the load ends as soon as it has), so what a test checks right
    // after waitForSteps holds whatever the thread's pace.
    void openWindow(const QString& prompt = kPrompt)
    {
        constructWindow(prompt);
        QSignalSpy ended(m_window.get(), &MainWindow::modelLoadEnded);
        QVERIFY(m_window->loadingModel());
        QVERIFY(ended.wait(60000));
        QVERIFY(m_window->startupError().isEmpty());
    }

    // File ▸ Open Model…'s way in: the model loads on a thread; wait for the end.
    void openAndWait(const QString& path)
    {
        QSignalSpy ended(m_window.get(), &MainWindow::modelLoadEnded);
        m_window->openModelFolder(path);
        QVERIFY(ended.wait(60000));
    }

    // Runs the event loop until the running generation has handed over
    // `steps` steps, and not one event longer: the window still counts as
    // generating (its end is queued behind the steps).
    void waitForSteps(int steps)
    {
        Generation* generation = m_window->generation();
        QVERIFY(generation);
        if (generation->stepsDone() >= steps)
            return;
        QEventLoop loop;
        const auto stop = connect(generation, &Generation::stepAdded, &loop, [&loop, steps](int done) {
            if (done >= steps)
                loop.quit();
        });
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        loop.exec();
        disconnect(stop);
        QVERIFY2(generation->stepsDone() >= steps, "no step arrived for a minute");
    }

    std::vector<int> tokensOf(const QString& prompt) const
    {
        return m_window->lessons().bundle().tokenizer->encode(prompt.toStdString());
    }

private slots:
    void initTestCase()
    {
        kvtest::startWithFreshSettings();
        QVERIFY(m_modelDir.isValid());
        // Large enough that its cached path is generated in the background
        // and takes a few seconds for the steps asked for.
        kv::ModelConfig shape;
        shape.nLayer = 8;
        shape.nEmbd = 512;
        shape.nHead = 8;
        shape.nKvHead = 8;
        shape.nPositions = 256;
        kv::ModelFolderWriter::writeRandom(m_modelDir.path().toStdString(), shape,
                                           KVLAB_ASSETS_DIR "/models/tiny-mha/vocab.txt", 7,
                                           kv::ModelFolderWriter::defaultScale(shape.nEmbd));
        LessonFactory lessons;
        lessons.loadModel(m_modelDir.path());
        kv::GenerationSettings settings;
        settings.maxNewTokens = kMaxNew;
        m_steps = lessons.normal(kPrompt, settings)->stepCount();
        QVERIFY(m_steps > 10);
    }

    void cleanup() { m_window.reset(); }

    void tinyModelsOpenAtOnce()
    {
        m_window = std::make_unique<MainWindow>(*CliOptions::parse({QStringLiteral("kvcache-lab")}).options);
        QVERIFY(!m_window->loadingModel());
        QVERIFY(!m_window->generating());
        QVERIFY(!m_window->generation());
        QVERIFY(controller().frame().valid());
        QVERIFY(!m_window->lessons().generatesInBackground(kPrompt, {}));
        QVERIFY(bar()->isHidden());
    }

    void progressShowsWhileTheStepsSoFarCanBeExplored()
    {
        openWindow();
        QVERIFY(m_window->lessons().generatesInBackground(kPrompt, {}));
        QVERIFY(m_window->generating());
        QVERIFY(bar()->isVisible());
        waitForSteps(4);
        Generation* generation = m_window->generation();
        QVERIFY(bar()->progress()->isVisible());
        QVERIFY(bar()->cancelButton()->isVisible());
        QCOMPARE(bar()->progress()->maximum(), kMaxNew);
        QVERIFY(bar()->progress()->value() >= 4);
        QVERIFY2(bar()->text()->text().contains(QStringLiteral("of at most %1").arg(kMaxNew - 1)),
                 qPrintable(bar()->text()->text()));
        // The walk-through already shows the steps generated: End goes to the
        // last one there, with both passes.
        QVERIFY(controller().frame().valid());
        QTest::keyClick(m_window.get(), Qt::Key_End);
        const int shown = controller().frame().step;
        QVERIFY(shown >= 3);
        QVERIFY(shown < kMaxNew - 1);
        QCOMPARE(controller().frame().record(DecodeMode::Uncached).chosenToken,
                 controller().frame().record(DecodeMode::Cached).chosenToken);
        QCOMPARE(controller().frame().lesson->run.cached.prompt, tokensOf(kPrompt));
        QVERIFY(m_window->generating());
        // The rest keeps coming, and the views hear of it.
        QTRY_VERIFY_WITH_TIMEOUT(controller().frame().lesson->stepCount() > shown + 1, 20000);
        QVERIFY(generation == m_window->generation());
        m_window->cancelGeneration();
    }

    void cancelKeepsTheStepsGeneratedSoFar()
    {
        openWindow();
        waitForSteps(3);
        Generation* generation = m_window->generation();
        QTest::mouseClick(bar()->cancelButton(), Qt::LeftButton);
        QVERIFY(!m_window->generating());
        const int kept = generation->stepsDone();
        QVERIFY(kept >= 3 && kept < kMaxNew);
        // The thread ends after its step in progress, which is dropped.
        QTRY_VERIFY_WITH_TIMEOUT(!generation->running(), 20000);
        QCOMPARE(generation->stepsDone(), kept);
        QCOMPARE(controller().frame().lesson->stepCount(), kept);
        QTest::keyClick(m_window.get(), Qt::Key_End);
        QCOMPARE(controller().frame().step, kept - 1);
        // Said in words, where the walk-through now ends.
        QVERIFY(bar()->isVisible());
        QVERIFY(!bar()->progress()->isVisible());
        QVERIFY2(bar()->text()->text().contains(QStringLiteral("ends at step %1").arg(kept - 1)),
                 qPrintable(bar()->text()->text()));
        // Nothing typed is lost.
        QCOMPARE(m_window->promptEdit()->text(), kPrompt);
    }

    void escCancelsToo()
    {
        openWindow();
        waitForSteps(2);
        m_window->promptEdit()->setFocus();
        QTest::keyClick(m_window->promptEdit(), Qt::Key_Escape);
        QVERIFY(!m_window->generating());
        const int kept = m_window->generation()->stepsDone();
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->generation()->running(), 20000);
        QCOMPARE(controller().frame().lesson->stepCount(), kept);
        QCOMPARE(m_window->promptEdit()->text(), kPrompt);
    }

    // In presentation the first Esc leaves it, as always; the next one cancels.
    void escLeavesPresentationBeforeItCancels()
    {
        openWindow();
        waitForSteps(2);
        m_window->setPresentation(true);
        QTest::keyClick(m_window.get(), Qt::Key_Escape);
        QVERIFY(!m_window->presenting());
        QVERIFY(m_window->generating());
        QTest::keyClick(m_window.get(), Qt::Key_Escape);
        QVERIFY(!m_window->generating());
    }

    void aNewPromptRestartsTheGeneration()
    {
        openWindow();
        waitForSteps(2);
        Generation* first = m_window->generation();
        QPointer<Generation> retired(first);
        PromptEdit* prompt = m_window->promptEdit();
        prompt->selectAll();
        QTest::keyClicks(prompt, QStringLiteral("the dog ran"));
        QTest::keyClick(prompt, Qt::Key_Return);
        QVERIFY(m_window->generation() != first);
        QVERIFY(m_window->generating());
        // The old run's thread stops after its step and the run goes away.
        QTRY_VERIFY_WITH_TIMEOUT(retired.isNull(), 20000);
        waitForSteps(2);
        QCOMPARE(controller().frame().lesson->run.cached.prompt, tokensOf(QStringLiteral("the dog ran")));
        QCOMPARE(controller().frame().lesson->walk, m_window->generation()->lesson()->walk);
        QCOMPARE(prompt->text(), QStringLiteral("the dog ran"));
        m_window->cancelGeneration();
    }

    void aSamplingChangeRestartsTheGeneration()
    {
        openWindow();
        waitForSteps(2);
        QPointer<Generation> first(m_window->generation());
        QVERIFY(controller().frame().record(DecodeMode::Cached).draw < 0); // greedy
        kv::SamplingSettings sampled;
        sampled.temperature = 0.8f;
        sampled.seed = 3;
        m_window->findChild<SamplingPanel*>()->setSettings(sampled);
        QVERIFY(m_window->generating());
        QVERIFY(m_window->generation() != first.data());
        QTRY_VERIFY_WITH_TIMEOUT(first.isNull(), 20000);
        waitForSteps(2);
        QVERIFY(controller().frame().record(DecodeMode::Cached).draw >= 0); // drawn at temperature 0.8
        m_window->cancelGeneration();
    }

    void openingAModelRestartsTheGeneration()
    {
        openWindow();
        waitForSteps(2);
        QPointer<Generation> first(m_window->generation());
        QSignalSpy ended(m_window.get(), &MainWindow::modelLoadEnded);
        m_window->openModelFolder(m_modelDir.path());
        // The old model's generation goes on while the new one loads.
        QVERIFY(m_window->loadingModel());
        QCOMPARE(m_window->generation(), first.data());
        QVERIFY(ended.wait(60000));
        QVERIFY(m_window->generating());
        QVERIFY(m_window->generation() != first.data());
        QVERIFY(bar()->progress()->isVisible());
        QCOMPARE(bar()->progress()->value(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(first.isNull(), 20000);
        m_window->cancelGeneration();
    }

    // tiny-mha's context cannot hold --max-new 240: the prompt is refused
    // there, and the old model's generation stops where it is, said so.
    void aModelThatRefusesThePromptStillStopsTheGeneration()
    {
        openWindow();
        waitForSteps(2);
        openAndWait(QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-mha"));
        QVERIFY(!m_window->generating());
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
        QVERIFY(!m_window->promptError()->isHidden());
        const int kept = m_window->generation()->stepsDone();
        QVERIFY2(bar()->text()->text().contains(QStringLiteral("ends at step %1").arg(kept - 1)),
                 qPrintable(bar()->text()->text()));
        QCOMPARE(m_window->promptEdit()->text(), kPrompt);
    }

    // --step N opens at step N once it is generated, not at whatever is there
    // first: here the last step, there only when the generation ends.
    void openingAtAStepWaitsForIt()
    {
        openWindow();
        const int last = m_steps - 1;
        QVERIFY(!m_window->stepReady(last));
        bool opened = false;
        QString heard;
        m_window->openWhenReady(last, 3, [&](const QString& note) {
            opened = true;
            heard = note;
        });
        QVERIFY(!opened);
        QTRY_VERIFY_WITH_TIMEOUT(opened, 60000);
        QCOMPARE(heard, QString());
        QCOMPARE(controller().frame().step, last);
        QCOMPARE(controller().position(), last * controller().phasesPerStep() + 2);
    }

    // --step N at start-up waits for the model to load first: nothing is
    // there to open before it has, then step N once it is generated.
    void openingAtAStepWaitsForTheModelToLoad()
    {
        constructWindow();
        QVERIFY(m_window->loadingModel());
        QVERIFY(!m_window->stepReady(0));
        QVERIFY(!controller().frame().valid());
        bool opened = false;
        m_window->openWhenReady(2, 4, [&](const QString&) { opened = true; });
        QVERIFY(!opened);
        QTRY_VERIFY_WITH_TIMEOUT(opened, 60000);
        QVERIFY(!m_window->loadingModel());
        QCOMPARE(controller().frame().step, 2);
        QCOMPARE(controller().frame().lesson->run.cached.prompt, tokensOf(kPrompt));
        m_window->cancelGeneration();
    }

    // A demonstration replaces the run; on a large model its uncached passes
    // wait for their steps instead of recomputing the whole run at once.
    void demonstrationsOnALargeModelDeferTheirUncachedPasses()
    {
        openWindow();
        waitForSteps(2);
        m_window->demonstrate(Lesson::Kind::FrozenPosition);
        QVERIFY(!m_window->generating());
        QVERIFY(bar()->isHidden());
        const Frame& frame = controller().frame();
        QCOMPARE(frame.lesson->kind, Lesson::Kind::FrozenPosition);
        QVERIFY(frame.lesson->stepCount() > 10);
        // Step 0 is shown and the banner quotes the last step's pick: two passes ran.
        QCOMPARE(frame.lesson->walk->pendingCount(), frame.lesson->stepCount() - 2);
        QVERIFY(m_window->banner()->text().contains(QStringLiteral("position 0")));
    }

    void generationRunsToTheEnd()
    {
        openWindow(QStringLiteral("the cat"));
        Generation* generation = m_window->generation();
        QVERIFY(generation);
        QSignalSpy finished(generation, &Generation::finished);
        QVERIFY(finished.wait(120000));
        QVERIFY(!m_window->generating());
        QVERIFY(bar()->isHidden());
        const int steps = generation->stepsDone();
        QVERIFY(steps > 1 && steps <= kMaxNew);
        QCOMPARE(controller().frame().lesson->stepCount(), steps);
        // The same tokens as the walk-through generated at once.
        const auto whole = m_window->lessons().normal(QStringLiteral("the cat"), [] {
            kv::GenerationSettings settings;
            settings.maxNewTokens = kMaxNew;
            return settings;
        }());
        QCOMPARE(controller().frame().lesson->run.cached.generated(), whole->run.cached.generated());
    }

    // The command line's way through the same wait: the window opens, waits
    // for the last step, grabs it and quits.
    void stepOptionWithAScreenshot()
    {
        QTemporaryDir out;
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        process.setProcessEnvironment(environment);
        const QString shot = out.filePath(QStringLiteral("step.png"));
        process.start(QStringLiteral(KVLAB_BINARY),
                      {QStringLiteral("--model"), m_modelDir.path(), QStringLiteral("--prompt"), kPrompt,
                       QStringLiteral("--max-new"), QString::number(kMaxNew), QStringLiteral("--step"),
                       QString::number(m_steps - 1), QStringLiteral("--screenshot"), shot});
        QVERIFY(process.waitForFinished(180000));
        const QString errors = QString::fromLocal8Bit(process.readAllStandardError());
        QCOMPARE(process.exitCode(), 0);
        QVERIFY2(!errors.contains(QStringLiteral("past the end")), qPrintable(errors));
        QVERIFY(QImage(shot).width() > 0);
    }
};

QTEST_MAIN(TestGeneration)
#include "tst_generation.moc"
