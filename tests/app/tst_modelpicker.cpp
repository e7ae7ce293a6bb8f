#include "app/cli/CliOptions.h"
#include "app/window/MainWindow.h"
#include "app/window/ModelBar.h"
#include "views/playback/PromptEdit.h"
#include "views/playback/PlaybackController.h"
#include "tests/support/ComboClicks.h"
#include "tests/support/FreshSettings.h"
#include "tests/support/FakeHubRepo.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace kvlab;
using kvtest::FakeHubRepo;

// The Model picker, on a fake Hugging Face cache (HF_HUB_CACHE): the shipped
// models, the cache's models with their figures, the ones the lab cannot open
// greyed with the reason, and a choice that switches the model.
class TestModelPicker : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_cache;
    std::unique_ptr<MainWindow> m_window;

    QComboBox* picker() const { return m_window->findChild<QComboBox*>(QStringLiteral("modelPicker")); }

    int rowStarting(const QString& text) const
    {
        for (int row = 0; row < picker()->count(); ++row)
            if (picker()->itemText(row).startsWith(text))
                return row;
        return -1;
    }

    bool enabled(int row) const
    {
        auto* model = qobject_cast<QStandardItemModel*>(picker()->model());
        return model->item(row)->isEnabled();
    }

    // Opens the popup and clicks `row`, as a user does.
    void clickRow(int row) { kvtest::clickComboRow(picker(), row); }

    // File ▸ Open Model…'s way in: the model loads on a thread; wait for the end.
    void openAndWait(const QString& path)
    {
        QSignalSpy ended(m_window.get(), &MainWindow::modelLoadEnded);
        m_window->openModelFolder(path);
        QVERIFY(ended.wait(20000));
    }

    void buildCache()
    {
        const std::filesystem::path root(m_cache.path().toStdString());
        FakeHubRepo gpt2(root, "models--openai-community--gpt2", "abc");
        gpt2.addText("config.json", R"({"model_type": "gpt2"})");
        gpt2.addText("vocab.txt", "a\n");
        gpt2.addWeights("model.safetensors", {{"wte.weight", {1000, 200}}, {"wpe.weight", {500, 100}}});
        gpt2.setMain("abc");
        FakeHubRepo bert(root, "models--google--bert-tiny", "abc");
        bert.addText("config.json", R"({"model_type": "bert"})");
        bert.addWeights("model.safetensors", {{"w", {2}}});
        FakeHubRepo broken(root, "models--org--broken", "abc");
        broken.addText("config.json", "{oops");
        // Capitals sort before small letters byte by byte; a reader's order ignores case.
        FakeHubRepo qwen(root, "models--Qwen--Qwen2.5-0.5B", "abc");
        qwen.addText("config.json", "{oops");
        FakeHubRepo smol(root, "models--HuggingFaceTB--SmolLM2-135M", "abc");
        smol.addText("config.json", "{oops");
    }

    bool isSeparator(int row) const
    {
        return picker()->itemData(row, Qt::AccessibleDescriptionRole).toString() == QStringLiteral("separator");
    }

    // The picker's rows, split at its separators.
    QList<QStringList> groups() const
    {
        QList<QStringList> found{{}};
        for (int row = 0; row < picker()->count(); ++row) {
            if (isSeparator(row))
                found.append(QStringList());
            else
                found.last() << picker()->itemText(row);
        }
        return found;
    }

    static QStringList sortedIgnoringCase(QStringList names)
    {
        std::sort(names.begin(), names.end(), [](const QString& a, const QString& b) {
            return QString::compare(a, b, Qt::CaseInsensitive) < 0;
        });
        return names;
    }

private slots:
    void initTestCase()
    {
        kvtest::startWithFreshSettings();
        QVERIFY(m_cache.isValid());
        buildCache();
        qputenv("HF_HUB_CACHE", m_cache.path().toLocal8Bit());
    }

    void init()
    {
        m_window = std::make_unique<MainWindow>(*CliOptions::parse({QStringLiteral("kvcache-lab")}).options);
        m_window->resize(1600, 960);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_VERIFY(rowStarting(QStringLiteral("openai-community/gpt2")) >= 0);
    }

    void cleanup() { m_window.reset(); }

    void listsShippedAndCachedModelsWithTheirFigures()
    {
        QVERIFY(rowStarting(QStringLiteral("tiny-mha")) >= 0);
        QVERIFY(rowStarting(QStringLiteral("tiny-gqa")) >= 0);
        const int gpt2 = rowStarting(QStringLiteral("openai-community/gpt2"));
        const QString parameters = QStringLiteral("%1 K parameters").arg(std::round((1000.0 * 200 + 500 * 100) / 1e3));
        const QString text = picker()->itemText(gpt2);
        QVERIFY2(text.contains(QStringLiteral(" · GPT-2 · ")) && text.contains(parameters), qPrintable(text));
        QVERIFY2(text.endsWith(QStringLiteral(" MB")) || text.endsWith(QStringLiteral(" kB")), qPrintable(text));
        QVERIFY(enabled(gpt2));
    }

    void unsupportedModelsAreGreyedWithTheReason()
    {
        const int bert = rowStarting(QStringLiteral("google/bert-tiny"));
        QVERIFY(bert >= 0);
        QVERIFY(!enabled(bert));
        QCOMPARE(picker()->itemData(bert, Qt::ToolTipRole).toString(),
                 QStringLiteral("model_type bert is not a decoder the lab knows (gpt2, llama, qwen2)"));
        const int broken = rowStarting(QStringLiteral("org/broken"));
        QVERIFY(broken >= 0);
        QVERIFY(!enabled(broken));
        QVERIFY(picker()->itemData(broken, Qt::ToolTipRole).toString().contains(QStringLiteral("config.json")));

        clickRow(bert); // a greyed row cannot be chosen
        QTest::keyClick(picker()->view(), Qt::Key_Escape);
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
    }

    void choosingAShippedModelSwitchesTheModel()
    {
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
        clickRow(rowStarting(QStringLiteral("tiny-gqa")));
        QTRY_COMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-gqa"));
        QCOMPARE(picker()->currentText(), QStringLiteral("tiny-gqa"));
        clickRow(rowStarting(QStringLiteral("tiny-mha")));
        QTRY_COMPARE(m_window->lessons().modelName(), QStringLiteral("tiny-mha"));
    }

    void groupsAreSeparatedAndSortedIgnoringCase()
    {
        QTemporaryDir alpha;
        QTemporaryDir beta;
        // Most recent first: Beta was opened last.
        QSettings().setValue(QStringLiteral("recentModels"), QStringList{beta.path() + QStringLiteral("/Beta"),
                                                                          alpha.path() + QStringLiteral("/alpha")});
        auto* bar = m_window->findChild<ModelBar*>();
        QVERIFY(bar);
        bar->setModels(QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-mha"), QStringLiteral("tiny-mha"));
        const QList<QStringList> found = groups();
        QCOMPARE(found.size(), 4);
        // The shipped models, in order.
        const QStringList shipped = found.at(0);
        QVERIFY(shipped.contains(QStringLiteral("tiny-mha")) && shipped.contains(QStringLiteral("tiny-gqa")));
        QCOMPARE(shipped, sortedIgnoringCase(shipped));
        // The recent ones, most recent first.
        QCOMPARE(found.at(1), (QStringList{QStringLiteral("Beta"), QStringLiteral("alpha")}));
        // The Hugging Face cache: google, HuggingFaceTB, openai-community, org, Qwen.
        QStringList repos;
        for (const QString& text : found.at(2))
            repos << text.section(QLatin1Char(' '), 0, 0);
        QCOMPARE(repos, (QStringList{QStringLiteral("google/bert-tiny"), QStringLiteral("HuggingFaceTB/SmolLM2-135M"),
                                     QStringLiteral("openai-community/gpt2"), QStringLiteral("org/broken"),
                                     QStringLiteral("Qwen/Qwen2.5-0.5B")}));
        QCOMPARE(found.at(3), QStringList{QStringLiteral("Open model…")});
        QSettings().remove(QStringLiteral("recentModels"));
    }

    // A recent model from the Hugging Face cache is named by its repo, not by its snapshot's hash.
    void aRecentCacheSnapshotShowsItsRepo()
    {
        const QString snapshot = m_cache.path() + QStringLiteral("/models--openai-community--gpt2/snapshots/abc");
        QSettings().setValue(QStringLiteral("recentModels"), QStringList{snapshot});
        m_window->findChild<ModelBar*>()->setModels(QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-mha"),
                                                    QStringLiteral("tiny-mha"));
        QCOMPARE(picker()->itemText(picker()->findData(snapshot)), QStringLiteral("openai-community/gpt2"));
        QSettings().remove(QStringLiteral("recentModels"));
    }

    void openedFoldersBecomeRecentMostRecentFirst()
    {
        QTemporaryDir first;
        QTemporaryDir second;
        for (const QTemporaryDir* dir : {&first, &second})
            for (const char* file : {"config.json", "model.safetensors", "vocab.txt"})
                QVERIFY(QFile::copy(QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-mha/") + file,
                                    dir->path() + QLatin1Char('/') + file));
        openAndWait(first.path());
        openAndWait(second.path());
        QCOMPARE(QString::fromStdString(m_window->lessons().bundle().directory), second.path());
        const QStringList recent = ModelBar::recentModels();
        QVERIFY(recent.size() >= 2);
        QCOMPARE(recent.at(0), second.path());
        QCOMPARE(recent.at(1), first.path());
        QVERIFY(picker()->findData(first.path()) >= 0);
        QCOMPARE(picker()->currentIndex(), picker()->findData(second.path()));
        QVERIFY(picker()->findData(second.path()) < picker()->findData(first.path()));
        clickRow(rowStarting(QStringLiteral("tiny-mha")));
        QTRY_COMPARE(QString::fromStdString(m_window->lessons().bundle().directory),
                     picker()->itemData(rowStarting(QStringLiteral("tiny-mha"))).toString());
    }

    // File ▸ Open Model… with a llama2.c .bin chosen (ModelBar::askForModel
    // returns the file; the menu opens it so): the model opens, tokens are
    // ids; the last prompt, a word, is refused in words and the walk-through
    // from BOS alone shows meanwhile; ids typed in the prompt then run.
    void openingALlama2cCheckpointStartsFromBos()
    {
        const QString file = QStringLiteral(KVLAB_SHARED_DATA "/llama2c/stories260K.bin");
        if (!QFile::exists(file))
            QSKIP(qPrintable("the reference data is absent: " + file + " (see ../shared/data/README.md)"));
        openAndWait(file);
        QCOMPARE(m_window->lessons().modelName(), QStringLiteral("stories260K"));
        QVERIFY2(m_window->promptError()->text().contains(QStringLiteral("\"I\" is not a token id")),
                 qPrintable(m_window->promptError()->text()));
        // A walk-through this long is generated on a thread: wait for its lesson.
        QTRY_COMPARE(m_window->controller()->frame().lesson->modelName, QStringLiteral("stories260K"));
        QCOMPARE(m_window->controller()->frame().lesson->run.cached.prompt, std::vector<int>{1});
        QCOMPARE(m_window->controller()->frame().lesson->token(1), QStringLiteral("#1"));
        QCOMPARE(ModelBar::recentModels().value(0), file);

        PromptEdit* prompt = m_window->promptEdit();
        prompt->clear();
        QTest::keyClicks(prompt, QStringLiteral("#461 #401"));
        QTest::keyClick(prompt, Qt::Key_Return);
        QTRY_COMPARE(m_window->controller()->frame().lesson->run.cached.prompt, (std::vector<int>{1, 461, 401}));
        QVERIFY(m_window->promptError()->isHidden());
    }
};

QTEST_MAIN(TestModelPicker)
#include "tst_modelpicker.moc"
