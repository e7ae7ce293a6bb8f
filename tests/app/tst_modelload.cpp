// Opening a model never freezes the window: the model loads on a thread
// (ModelLoad) while the window keeps the current walk-through, the load bar
// shows its progress, Cancel and Esc keep everything the user had, a broken
// model is said in words, and a second model asked for replaces the first.
// Driven through the real window; a stand-in loader holds the small test
// models at a gate, so that there is time to click Cancel without a sleep.
#include "app/cli/CliOptions.h"
#include "app/window/MainWindow.h"
#include "app/window/ModelLoad.h"
#include "app/window/ModelLoadBar.h"
#include "core/io/LoadCancelled.h"
#include "views/playback/PlaybackController.h"
#include "views/playback/PromptEdit.h"
#include "tests/support/ComboClicks.h"
#include "tests/support/FreshSettings.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

using namespace kvlab;

namespace {

// What the stand-in loader says the checkpoint holds: TinyLlama-1.1B's BF16 bytes.
constexpr std::uint64_t kBytesTotal = 2'200'000'000;

const QString kTinyGqa = QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-gqa");
const QString kTinyLlama = QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-llama");
const QString kTinyMha = QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-mha");

// Where the stand-in loader waits: a load goes on once its path is let through.
struct Gate {
    std::mutex mutex;
    std::condition_variable changed;
    std::set<std::string> open;
    // false: the loader does not stop when its report is refused, as a
    // format that never reports does; it finishes when let through.
    bool heedCancel = true;
    int cancelsHeard = 0;

    void letThrough(const QString& path)
    {
        {
            const std::lock_guard lock(mutex);
            open.insert(path.toStdString());
        }
        changed.notify_all();
    }
    void heedCancelFromNowOn()
    {
        {
            const std::lock_guard lock(mutex);
            heedCancel = true;
        }
        changed.notify_all();
    }
    int cancels()
    {
        const std::lock_guard lock(mutex);
        return cancelsHeard;
    }
};

// Reports half of kBytesTotal until its path is let through (or it is
// cancelled), then the whole, then loads the real folder.
ModelLoad::Loader gatedLoader(std::shared_ptr<Gate> gate)
{
    return [gate](const std::string& path, const kv::LoadOptions& options) {
        std::unique_lock lock(gate->mutex);
        bool heard = false;
        while (!gate->open.count(path)) {
            lock.unlock();
            const bool goOn = options.onProgress({kBytesTotal / 2, kBytesTotal});
            lock.lock();
            if (!goOn && !heard) {
                heard = true;
                ++gate->cancelsHeard;
            }
            if (!goOn && gate->heedCancel)
                throw kv::LoadCancelled(path);
            gate->changed.wait_for(lock, std::chrono::milliseconds(20));
        }
        lock.unlock();
        options.onProgress({kBytesTotal, kBytesTotal});
        return kv::ModelBundle::load(path);
    };
}

// The real loader, held at its first report until the window cancels (its
// report answers false); then the format hears that answer. `formatStopped`
// says whether the format then threw LoadCancelled.
ModelLoad::Loader loaderHeldUntilCancelled(std::shared_ptr<std::atomic<bool>> formatStopped)
{
    return [formatStopped](const std::string& path, const kv::LoadOptions& options) {
        kv::LoadOptions held = options;
        held.onProgress = [report = options.onProgress](const kv::LoadProgress& progress) {
            while (report(progress))
                std::this_thread::sleep_for(std::chrono::milliseconds(20)); // polling the answer, not timing the test
            return false;
        };
        try {
            return kv::ModelBundle::load(path, held);
        } catch (const kv::LoadCancelled&) {
            *formatStopped = true;
            throw;
        }
    };
}

// A copy of tiny-mha's folder in `dir`.
bool copyTinyMha(const QString& dir)
{
    for (const QString& file : QDir(kTinyMha).entryList(QDir::Files))
        if (!QFile::copy(kTinyMha + QLatin1Char('/') + file, dir + QLatin1Char('/') + file))
            return false;
    return true;
}

// tiny-mha with a model.safetensors `bytes` long and all zeros (sparse on
// disk): its size alone makes the window treat it as large, and loading it
// fails at the file's header.
bool writeLargeBrokenFolder(const QString& dir, qint64 bytes)
{
    if (!copyTinyMha(dir))
        return false;
    QFile weights(dir + QStringLiteral("/model.safetensors"));
    return weights.open(QIODevice::WriteOnly | QIODevice::Truncate) && weights.resize(bytes);
}

} // namespace

class TestModelLoad : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_emptyHubCache;
    std::shared_ptr<Gate> m_gate;
    std::unique_ptr<MainWindow> m_window;

    PlaybackController& controller() { return *m_window->controller(); }
    ModelLoadBar* bar() { return m_window->modelLoadBar(); }
    QComboBox* picker() { return m_window->findChild<QComboBox*>(QStringLiteral("modelPicker")); }

    void makeWindow(const QStringList& arguments = {})
    {
        m_window = std::make_unique<MainWindow>(
            *CliOptions::parse(QStringList{QStringLiteral("kvcache-lab")} + arguments).options);
        m_window->setModelLoader(gatedLoader(m_gate));
        m_window->resize(1600, 960);
        m_window->show();
        controller().setReducedMotion(true);
    }

    // Opens the Model picker's popup and clicks the row showing `text`, as a user does.
    void pickModel(const QString& text)
    {
        const int row = picker()->findText(text);
        QVERIFY2(row >= 0, qPrintable(text));
        kvtest::clickComboRow(picker(), row);
        QTRY_VERIFY(!picker()->view()->isVisible());
    }

    // Steps into the walk-through with the keys: a state to keep. A click
    // beside the panes first gives the keys back to playback (from the picker).
    void stepIn()
    {
        // The offscreen platform leaves the picker's closed popup the active
        // window; a window system gives the activation back to the window.
        QApplication::setActiveWindow(m_window.get());
        QTest::mouseClick(m_window->centralWidget(), Qt::LeftButton, {}, QPoint(2, 2));
        for (int i = 0; i < 9; ++i)
            QTest::keyClick(m_window.get(), Qt::Key_Right);
        QCOMPARE(controller().position(), 9);
    }

private slots:
    void initTestCase()
    {
        kvtest::startWithFreshSettings();
        QVERIFY(m_emptyHubCache.isValid());
        qputenv("HF_HUB_CACHE", m_emptyHubCache.path().toLocal8Bit());
    }

    void init()
    {
        m_gate = std::make_shared<Gate>();
        makeWindow();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
    }

    void cleanup()
    {
        m_gate->heedCancelFromNowOn(); // a load left waiting stops when the window goes
        m_window.reset();
        QSettings().remove(QStringLiteral("model"));
    }

    // The bar shows the model's name and the loader's bytes; the window stays
    // in use meanwhile; then the new model's lesson replaces the old one.
    void progressShowsThenTheNewLessonReplacesTheOld()
    {
        const QString prompt = m_window->promptEdit()->text();
        const auto before = controller().frame().lesson;
        pickModel(QStringLiteral("tiny-gqa"));
        QVERIFY(m_window->loadingModel());
        QCOMPARE(m_window->modelLoad()->name(), QStringLiteral("tiny-gqa"));
        QTRY_VERIFY(bar()->isVisible()); // a small checkpoint: once it has taken kLoadBarDelayMs
        QTRY_COMPARE(bar()->progress()->text(), QStringLiteral("1100 of 2200 MB"));
        QCOMPARE(bar()->progress()->value(), bar()->progress()->maximum() / 2);
        QVERIFY(bar()->cancelButton()->isVisible());
        const QString text = bar()->text()->text();
        QVERIFY2(text.contains(QStringLiteral("Opening tiny-gqa")) && text.contains(QStringLiteral("tiny-mha stays open")),
                 qPrintable(text));
        // Meanwhile the old walk-through is there and answers the keys.
        QCOMPARE(controller().frame().lesson, before);
        QCOMPARE(picker()->currentText(), QStringLiteral("tiny-mha"));
        stepIn();

        QSignalSpy ended(m_window.get(), &MainWindow::modelLoadEnded);
        m_gate->letThrough(kTinyGqa);
        QVERIFY(ended.wait(20000));
        QVERIFY(!m_window->loadingModel());
        QVERIFY(bar()->isHidden());
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-gqa"));
        QCOMPARE(controller().frame().lesson->modelName, QStringLiteral("tiny-gqa"));
        QCOMPARE(controller().frame().lesson->run.cached.prompt,
                 m_window->lessons().bundle().tokenizer->encode(prompt.toStdString()));
        QCOMPARE(picker()->currentText(), QStringLiteral("tiny-gqa"));
        QCOMPARE(m_window->promptEdit()->text(), prompt);
    }

    void cancelKeepsTheModelTheStepAndThePrompt_data()
    {
        QTest::addColumn<bool>("byKey");
        QTest::newRow("Cancel clicked") << false;
        QTest::newRow("Esc") << true;
    }

    void cancelKeepsTheModelTheStepAndThePrompt()
    {
        QFETCH(bool, byKey);
        PromptEdit* prompt = m_window->promptEdit();
        prompt->selectAll();
        QTest::keyClicks(prompt, QStringLiteral("the cat"));
        QTest::keyClick(prompt, Qt::Key_Return);
        QCOMPARE(controller().frame().lesson->run.cached.prompt,
                 m_window->lessons().bundle().tokenizer->encode("the cat"));
        stepIn();
        const auto before = controller().frame().lesson;

        m_window->openModelFolder(kTinyLlama);
        QPointer<ModelLoad> load(m_window->modelLoad());
        QVERIFY(load);
        QTRY_VERIFY(bar()->isVisible());
        QSignalSpy ended(m_window.get(), &MainWindow::modelLoadEnded);
        if (byKey)
            QTest::keyClick(m_window.get(), Qt::Key_Escape);
        else
            QTest::mouseClick(bar()->cancelButton(), Qt::LeftButton);
        QCOMPARE(ended.count(), 1);
        QVERIFY(!m_window->loadingModel());
        QVERIFY(bar()->isHidden());
        QVERIFY2(m_window->statusBar()->currentMessage().contains(
                     QStringLiteral("Opening tiny-llama was cancelled: tiny-mha stays open")),
                 qPrintable(m_window->statusBar()->currentMessage()));
        // The loader hears the cancel at its next report, and the load goes.
        QTRY_VERIFY(load.isNull());
        QCOMPARE(m_gate->cancels(), 1);
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
        QCOMPARE(controller().frame().lesson, before);
        QCOMPARE(controller().position(), 9);
        QCOMPARE(prompt->text(), QStringLiteral("the cat"));
        QCOMPARE(picker()->currentText(), QStringLiteral("tiny-mha"));
    }

    // A truncated safetensors file, through the real loader: the dialog names
    // the file, and the model, walk-through and step stay.
    void aBrokenModelShowsTheErrorAndKeepsTheModel()
    {
        QTemporaryDir dir;
        QVERIFY(copyTinyMha(dir.path()));
        QFile weights(dir.filePath(QStringLiteral("model.safetensors")));
        QVERIFY(weights.resize(weights.size() / 2));
        m_window->setModelLoader(&kv::ModelBundle::load);
        stepIn();
        const auto before = controller().frame().lesson;

        QSignalSpy ended(m_window.get(), &MainWindow::modelLoadEnded);
        m_window->openModelFolder(dir.path());
        QVERIFY(ended.wait(20000));
        auto* box = m_window->findChild<QMessageBox*>();
        QVERIFY(box);
        QVERIFY(box->isVisible());
        const QString text = box->text() + QLatin1Char('\n') + box->informativeText();
        QVERIFY2(text.contains(QStringLiteral("model.safetensors")) && text.contains(QStringLiteral("tiny-mha, stays open")),
                 qPrintable(text));
        QTest::mouseClick(box->button(QMessageBox::Ok), Qt::LeftButton);
        QTRY_VERIFY(m_window->findChild<QMessageBox*>() == nullptr);
        QVERIFY(!m_window->loadingModel());
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
        QCOMPARE(controller().frame().lesson, before);
        QCOMPARE(controller().position(), 9);
    }

    // Whether or not the first loader stops when told, what it loads is
    // dropped: the window ends on the second model.
    void aSecondModelReplacesTheOneLoading_data()
    {
        QTest::addColumn<bool>("heedCancel");
        QTest::newRow("the first loader stops") << true;
        QTest::newRow("the first loader finishes regardless") << false;
    }

    void aSecondModelReplacesTheOneLoading()
    {
        QFETCH(bool, heedCancel);
        m_gate->heedCancel = heedCancel; // no load is running yet
        pickModel(QStringLiteral("tiny-gqa"));
        QPointer<ModelLoad> first(m_window->modelLoad());
        QVERIFY(first);
        QTRY_VERIFY(bar()->isVisible());
        pickModel(QStringLiteral("tiny-llama"));
        QVERIFY(m_window->modelLoad() != first.data());
        QVERIFY(first.isNull() || first->cancelled());
        QCOMPARE(m_window->modelLoad()->name(), QStringLiteral("tiny-llama"));
        QTRY_VERIFY(bar()->isVisible());
        QVERIFY2(bar()->text()->text().contains(QStringLiteral("Opening tiny-llama")), qPrintable(bar()->text()->text()));
        QTRY_COMPARE(m_gate->cancels(), 1);
        if (heedCancel)
            QTRY_VERIFY(first.isNull()); // it stopped, and went
        else
            QVERIFY(first && first->running()); // still loading what nobody wants

        QSignalSpy ended(m_window.get(), &MainWindow::modelLoadEnded);
        m_gate->letThrough(kTinyLlama);
        QVERIFY(ended.wait(20000));
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-llama"));
        const auto second = controller().frame().lesson;
        QCOMPARE(second->modelName, QStringLiteral("tiny-llama"));

        // The first load ends late (or has ended): nothing changes.
        m_gate->letThrough(kTinyGqa);
        QTRY_VERIFY(first.isNull());
        QCoreApplication::processEvents();
        QCOMPARE(ended.count(), 1);
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-llama"));
        QCOMPARE(controller().frame().lesson, second);
        QCOMPARE(picker()->currentText(), QStringLiteral("tiny-llama"));
    }

    // The bar's two rules: a large checkpoint shows it as the load starts; a
    // small one only once its load has run kLoadBarDelayMs (never, for the
    // tiny models on a healthy disk).
    void aLargeCheckpointShowsTheBarAtOnce()
    {
        QTemporaryDir dir;
        QVERIFY(writeLargeBrokenFolder(dir.path(), kBytesTotal));
        m_window->openModelFolder(kTinyGqa);
        QVERIFY(bar()->isHidden());
        m_window->openModelFolder(dir.path());
        QVERIFY(bar()->isVisible());
        QCOMPARE(bar()->progress()->maximum(), 0); // busy until the loader's first report
        const QString name = QFileInfo(dir.path()).fileName();
        QVERIFY2(bar()->text()->text().contains(QStringLiteral("Opening %1 (2200 MB on disk)").arg(name)),
                 qPrintable(bar()->text()->text()));
        QTRY_COMPARE(bar()->progress()->text(), QStringLiteral("1100 of 2200 MB"));
        QTest::mouseClick(bar()->cancelButton(), Qt::LeftButton);
        QVERIFY(!m_window->loadingModel());
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
    }

    // --model on a large checkpoint: the window shows while it loads; its
    // failure is the start-up's error, heard from startupFailed().
    void aLargeModelAskedForThatFailsIsAStartupError()
    {
        QTemporaryDir dir;
        QVERIFY(writeLargeBrokenFolder(dir.path(), 2 * MainWindow::kStartupLoadAtOnceBytes));
        makeWindow({QStringLiteral("--model"), dir.path(), QStringLiteral("--prompt"), QStringLiteral("the cat")});
        QVERIFY(m_window->loadingModel()); // with the real loader, set before the stand-in
        QVERIFY(!controller().frame().valid());
        QCOMPARE(picker()->currentText(), QString()); // no model is open yet, not the first row's
        QCOMPARE(m_window->promptEdit()->text(), QStringLiteral("the cat"));
        QVERIFY(bar()->isHidden()); // 64 MB: the delay applies
        QSignalSpy failed(m_window.get(), &MainWindow::startupFailed);
        QVERIFY(failed.wait(20000));
        QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("model.safetensors")),
                 qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(m_window->startupError(), failed.at(0).at(0).toString());
        QVERIFY(m_window->findChild<QMessageBox*>() == nullptr); // the command line says it
    }

    // Esc while the model given at start-up loads: nothing was open yet, so
    // the shipped model opens instead, and the status bar says so.
    void cancellingTheStartupLoadOpensTheShippedModel()
    {
        QTemporaryDir dir;
        QVERIFY(writeLargeBrokenFolder(dir.path(), 2 * MainWindow::kStartupLoadAtOnceBytes));
        makeWindow({QStringLiteral("--model"), dir.path()}); // its failure, if already there, waits in the queue
        QVERIFY(m_window->loadingModel());
        QSignalSpy ended(m_window.get(), &MainWindow::modelLoadEnded);
        QTest::keyClick(m_window.get(), Qt::Key_Escape);
        QCOMPARE(ended.count(), 1);
        QVERIFY(!m_window->loadingModel());
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
        QVERIFY(controller().frame().valid());
        const QString name = QFileInfo(dir.path()).fileName();
        QCOMPARE(m_window->statusBar()->currentMessage(),
                 QStringLiteral("Opening %1 was cancelled: tiny-mha opens instead.").arg(name));
        QCoreApplication::processEvents(); // the load's failure arrives, and is dropped
        QVERIFY(m_window->startupError().isEmpty());
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
    }

    // The model saved from last time, large and now broken: the window opens
    // the shipped model instead and says why.
    void aLargeSavedModelThatFailsFallsBackToTheShippedOne()
    {
        QTemporaryDir dir;
        QVERIFY(writeLargeBrokenFolder(dir.path(), 2 * MainWindow::kStartupLoadAtOnceBytes));
        QSettings().setValue(QStringLiteral("model"), dir.path());
        makeWindow(); // loading with the real loader already
        QVERIFY(m_window->loadingModel());
        QSignalSpy ended(m_window.get(), &MainWindow::modelLoadEnded);
        QVERIFY(ended.wait(20000));
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
        QVERIFY(controller().frame().valid());
        QVERIFY(m_window->startupError().isEmpty());
        QVERIFY2(m_window->promptError()->text().contains(QStringLiteral("Could not open the model"))
                     && m_window->promptError()->text().contains(QStringLiteral("model.safetensors")),
                 qPrintable(m_window->promptError()->text()));
    }

    // The formats report as they load: the last report, shown in the bar,
    // is the whole of the checkpoint's tensor bytes.
    void theRealLoaderReportsItsBytes()
    {
        m_window->setModelLoader(&kv::ModelBundle::load);
        QSignalSpy ended(m_window.get(), &MainWindow::modelLoadEnded);
        m_window->openModelFolder(kTinyGqa);
        QSignalSpy progressed(m_window->modelLoad(), &ModelLoad::progressed);
        const std::uint64_t onDisk = m_window->modelLoad()->bytesOnDisk();
        QVERIFY(ended.wait(20000));
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-gqa"));
        QVERIFY(!progressed.isEmpty());
        const auto done = progressed.last().at(0).value<quint64>();
        const auto total = progressed.last().at(1).value<quint64>();
        QVERIFY(total > 0 && total < onDisk);
        QCOMPARE(done, total);
        const QString figure = QString::number(static_cast<double>(total) / 1e6, 'f', 1);
        QCOMPARE(bar()->progress()->text(), QStringLiteral("%1 of %1 MB read; preparing…").arg(figure));
    }

    // Cancel reaches the format through its progress report: it stops and
    // throws LoadCancelled, and the window keeps its model.
    void cancelStopsTheFormat()
    {
        auto formatStopped = std::make_shared<std::atomic<bool>>(false);
        m_window->setModelLoader(loaderHeldUntilCancelled(formatStopped));
        const auto before = controller().frame().lesson;
        m_window->openModelFolder(kTinyGqa);
        QPointer<ModelLoad> load(m_window->modelLoad());
        QTRY_VERIFY(bar()->isVisible());
        QTest::mouseClick(bar()->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY(load.isNull());
        QVERIFY(*formatStopped);
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
        QCOMPARE(controller().frame().lesson, before);
    }

    void megabytesAsThePickerWritesThem()
    {
        QCOMPARE(ModelLoadBar::megabytes(1'500'000), QStringLiteral("1.5 MB"));
        QCOMPARE(ModelLoadBar::megabytes(2'200'000'000), QStringLiteral("2200 MB"));
        QCOMPARE(ModelLoad::nameOf(QStringLiteral("/h/hub/models--TinyLlama--TinyLlama-1.1B-Chat-v1.0/snapshots/fe8a/")),
                 QStringLiteral("TinyLlama/TinyLlama-1.1B-Chat-v1.0"));
        QCOMPARE(ModelLoad::nameOf(QStringLiteral("/h/hub/models--gpt2/snapshots/607a")), QStringLiteral("gpt2"));
        QCOMPARE(ModelLoad::nameOf(QStringLiteral("/data/stories260K.bin")), QStringLiteral("stories260K.bin"));
    }
};

QTEST_MAIN(TestModelLoad)
#include "tst_modelload.moc"
