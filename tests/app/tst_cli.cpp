#include "core/io/ModelBundle.h"

#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

// Runs the real kvcache-lab binary as a user would from a terminal.
class TestCli : public QObject {
    Q_OBJECT

private:
    struct Run {
        int exitCode = -1;
        QString out;
        QString err;
    };

    // Without a display (the terminal fallback), or with the offscreen one (the window).
    static Run run(const QStringList& arguments, bool window = false)
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove("DISPLAY");
        environment.remove("WAYLAND_DISPLAY");
        environment.remove("QT_QPA_PLATFORM");
        if (window)
            environment.insert("QT_QPA_PLATFORM", "offscreen");
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(KVLAB_BINARY), arguments);
        if (!process.waitForFinished(60000))
            return {};
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }

    // "3,7,1": the shipped default model's ids of `text`.
    static QString idsOf(const std::string& text)
    {
        const std::vector<int> ids = kv::ModelBundle::load(KVLAB_ASSETS_DIR "/models/tiny-mha").tokenizer->encode(text);
        QStringList list;
        for (const int id : ids)
            list << QString::number(id);
        return list.join(',');
    }

    static QString llama2c(const char* file) { return QStringLiteral(KVLAB_SHARED_DATA "/llama2c/") + file; }

private slots:
    void defaultWalkThroughEndsWithTheSentence()
    {
        const Run result = run({"--text"});
        QCOMPARE(result.exitCode, 0);
        const QStringList lines = result.out.trimmed().split('\n');
        QCOMPARE(lines.at(lines.size() - 2), QStringLiteral("generated: I saw a beautiful car [EOS]"));
        QCOMPARE(lines.last(), "ids: " + idsOf("I saw a beautiful car [EOS]"));
        QCOMPARE(lines.filter(QRegularExpression("^step +\\d+ ")).size(), 5);
        QVERIFY(lines.filter("step  0  prefill  in: I@0").size() == 1);
        QVERIFY(lines.filter(QRegularExpression("step  3  decode   in: beautiful@3 +next: car ")).size() == 1);
        QVERIFY(result.out.contains("both paths chose the same tokens: yes"));
        QVERIFY(result.err.isEmpty());
    }

    void noDisplayFallsBackToTheTerminalAndSaysWhy()
    {
        const Run result = run({});
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.err.contains("no display"));
        QVERIFY(result.out.trimmed().endsWith("generated: I saw a beautiful car [EOS]\nids: " + idsOf("I saw a beautiful car [EOS]")));
    }

    void gqaModelAlsoGeneratesTheSentence()
    {
        const Run result = run({"--text", "--model", KVLAB_ASSETS_DIR "/models/tiny-gqa"});
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.out.contains("\ngenerated: I saw a beautiful car [EOS]\nids: "));
        QVERIFY(result.out.contains("4 heads, 2 KV heads"));
    }

    // A Hugging Face folder from tools/write_hf_reference_folders.py: the
    // last line lists the whole sequence (prompt with BOS, then the greedy
    // tokens) exactly as the script's torch forward chose it.
    void huggingFaceFolderEndsWithTorchsIds_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::newRow("gpt2") << "hf-gpt2-random";
        QTest::newRow("llama") << "hf-llama-random";
        QTest::newRow("qwen2") << "hf-qwen2-random";
    }

    void huggingFaceFolderEndsWithTorchsIds()
    {
        QFETCH(QString, folder);
        const QString dir = QStringLiteral(KVLAB_TEST_DATA "/") + folder;
        QFile file(dir + "/reference.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject greedy = QJsonDocument::fromJson(file.readAll()).object().value("greedy").toObject();
        QStringList expected;
        for (const QJsonValue id : greedy.value("ids").toArray())
            expected << QString::number(id.toInt());
        QVERIFY(expected.size() > 2);
        QCOMPARE(greedy.value("prompt").toString(), QStringLiteral("Hello world"));
        QCOMPARE(greedy.value("max_new").toInt(), 20);

        const Run result = run({"--text", "--model", dir, "--prompt", "Hello world", "--max-new", "20"});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out.trimmed().split('\n').last(), "ids: " + expected.join(','));
        QVERIFY(result.out.contains("both paths chose the same tokens: yes"));
    }

    // llama2.c's stories260K has no tokenizer here: from BOS alone, its ids are
    // run.c's greedy ids, and every token is shown as "#N".
    void llama2cCheckpointWalksThroughFromBos()
    {
        if (!QFile::exists(llama2c("stories260K-greedy.json")))
            QSKIP(qPrintable("the reference data is absent: " + llama2c("") + " (see ../shared/data/README.md)"));
        QFile reference(llama2c("stories260K-greedy.json"));
        QVERIFY(reference.open(QIODevice::ReadOnly));
        const QJsonArray greedy = QJsonDocument::fromJson(reference.readAll()).object()["greedy_ids"].toArray();
        QStringList expected{"1"};
        for (const QJsonValue& id : greedy)
            expected << QString::number(id.toInt());
        const QString maxNew = QString::number(greedy.size());
        for (const bool promptGiven : {true, false}) {
            QStringList arguments = {"--text", "--model", llama2c("stories260K.bin"), "--max-new", maxNew};
            if (promptGiven)
                arguments << "--prompt" << "";
            const Run result = run(arguments);
            QCOMPARE(result.exitCode, 0);
            const QStringList lines = result.out.trimmed().split('\n');
            QCOMPARE(lines.last(), "ids: " + expected.join(','));
            QVERIFY2(lines.at(lines.size() - 2).startsWith("generated: #1 #" + expected.at(1) + " #"), qPrintable(result.out));
            QVERIFY(lines.filter(QRegularExpression("^step +0  prefill  in: #1@0 ")).size() == 1);
            QVERIFY(result.out.contains("model: stories260K (llama, 5 layers, d=64, 8 heads, 4 KV heads"));
            QVERIFY(result.out.contains("both paths chose the same tokens: yes"));
        }
    }

    // The 32,000-token tokenizer.bin does not belong to the 512-token model: both files and sizes are named.
    void llama2cTokenizerOfAnotherVocabularyIsRefused()
    {
        if (!QFile::exists(llama2c("tokenizer.bin")) || !QFile::exists(llama2c("stories260K.bin")))
            QSKIP(qPrintable("the reference data is absent: " + llama2c("") + " (see ../shared/data/README.md)"));
        for (const QStringList& mode : {QStringList{"--text"}, QStringList{"--tokenize", "Once upon a time"}}) {
            const Run result = run(QStringList(mode.first()) + mode.mid(1) + QStringList{"--model", llama2c("stories260K.bin"),
                                                                                   "--tokenizer", llama2c("tokenizer.bin")});
            QCOMPARE(result.exitCode, mode.first() == "--text" ? 2 : 1);
            QVERIFY2(result.err.contains(llama2c("tokenizer.bin") + ": holds 32,000 tokens but the checkpoint "
                                         + llama2c("stories260K.bin") + " has a vocabulary of 512"),
                     qPrintable(result.err));
            QVERIFY(result.out.isEmpty());
        }
    }

    void tokenizerWithoutABinModelIsAUsageError()
    {
        const Run alone = run({"--text", "--tokenizer", "tokenizer.bin"});
        QCOMPARE(alone.exitCode, 2);
        QVERIFY2(alone.err.contains("--tokenizer goes with a llama2.c .bin model"), qPrintable(alone.err));
        const Run folder = run({"--text", "--model", KVLAB_ASSETS_DIR "/models/tiny-gqa", "--tokenizer", "tokenizer.bin"});
        QCOMPARE(folder.exitCode, 2);
        QVERIFY2(folder.err.contains("tokenizer.bin: a separate tokenizer file goes with a llama2.c .bin checkpoint only; "),
                 qPrintable(folder.err));
        QVERIFY2(folder.err.contains("tiny-gqa is a KV Cache Lab model folder, which brings its own tokenizer"),
                 qPrintable(folder.err));
    }

    void samplingIsReproducible()
    {
        const QStringList arguments = {"--text", "--temperature", "1.5", "--top-k", "5", "--seed", "7"};
        const Run first = run(arguments);
        const Run second = run(arguments);
        QCOMPARE(first.exitCode, 0);
        QCOMPARE(first.out.split('\n').filter("generated:"), second.out.split('\n').filter("generated:"));
    }

    void badInputExitsTwoWithOneMessage_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown word") << QStringList{"--text", "--prompt", "I zebra"} << "\"zebra\"";
        QTest::newRow("empty prompt") << QStringList{"--text", "--prompt", "  "} << "prompt is empty";
        QTest::newRow("beyond capacity") << QStringList{"--text", "--max-new", "40"}
                                         << "a prompt of 1 token plus 40 tokens to generate exceeds the model's context of 16 tokens: after this prompt at most 15 tokens fit";
        QTest::newRow("prompt too long")
            << QStringList{"--text", "--prompt", "I saw a beautiful car I saw a beautiful car I saw a beautiful car I saw a beautiful"}
            << "a prompt of 19 tokens leaves no room for a decode step in the model's context of 16 tokens: a prompt can be at most 14 tokens long";
        QTest::newRow("missing model") << QStringList{"--text", "--model", "/nonexistent/model"} << "/nonexistent/model: model folder not found";
        QTest::newRow("bad number") << QStringList{"--text", "--top-p", "2"} << "--top-p must be a number in (0, 1]";
        QTest::newRow("unknown option") << QStringList{"--text", "--frobnicate"} << "frobnicate";
        QTest::newRow("stray argument") << QStringList{"--text", "hello"} << "unexpected argument";
        QTest::newRow("size without x") << QStringList{"--size", "1920"} << "--size must be WIDTHxHEIGHT from 640x480 to 7680x4320, e.g. 1920x1080, got \"1920\"";
        QTest::newRow("size too small") << QStringList{"--size", "320x200"} << "got \"320x200\"";
        QTest::newRow("unknown layout") << QStringList{"--layout", "diagonal"} << "--layout must be side, stacked, uncached or cached, got \"diagonal\"";
        QTest::newRow("unknown dock") << QStringList{"--docks", "charts,clock"} << "--docks must be all or a comma list of sampling, charts, memory, benchmark, cache, heads, got \"clock\"";
    }

    void badInputExitsTwoWithOneMessage()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Run result = run(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(expected), qPrintable(result.err));
        QVERIFY(result.out.isEmpty());
    }

    void corruptModelExitsTwo()
    {
        QTemporaryDir dir;
        const QString source = KVLAB_ASSETS_DIR "/models/tiny-mha";
        for (const char* file : {"config.json", "model.safetensors", "vocab.txt"})
            QVERIFY(QFile::copy(source + "/" + file, dir.path() + "/" + file));
        QFile weights(dir.path() + "/model.safetensors");
        QVERIFY(weights.open(QIODevice::ReadWrite));
        weights.write("\xff\xff\xff\xff\xff\xff\xff\x7f"); // a hostile header length
        weights.close();
        const Run result = run({"--text", "--model", dir.path()});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains("model.safetensors: header length"), qPrintable(result.err));
    }

    // A copy of tiny-mha in `dir` with `file` replaced by `content` (or cut to half when empty).
    static void breakModel(const QTemporaryDir& dir, const char* file, const QByteArray& content)
    {
        const QString source = KVLAB_ASSETS_DIR "/models/tiny-mha";
        for (const char* name : {"config.json", "model.safetensors", "vocab.txt"})
            QVERIFY(QFile::copy(source + "/" + name, dir.path() + "/" + name));
        const QString target = dir.path() + "/" + file;
        if (content.isEmpty()) {
            QVERIFY(QFile::resize(target, QFileInfo(target).size() / 2));
            return;
        }
        QFile out(target);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(content);
    }

    void unusableModelIsAnErrorInEveryMode_data()
    {
        QTest::addColumn<bool>("window");
        QTest::addColumn<QString>("breakage");
        QTest::addColumn<QString>("expected");
        for (const bool window : {false, true}) {
            const char* mode = window ? "window, " : "text, ";
            QTest::newRow(QByteArray(mode).append("missing folder").constData()) << window << "missing" << "model folder not found";
            QTest::newRow(QByteArray(mode).append("corrupt config").constData())
                << window << "config" << "config.json: the file is not valid JSON: unexpected 'x' at line 1, column 13";
            QTest::newRow(QByteArray(mode).append("truncated weights").constData())
                << window << "weights" << "model.safetensors: the file is truncated or damaged";
        }
    }

    void unusableModelIsAnErrorInEveryMode()
    {
        QFETCH(bool, window);
        QFETCH(QString, breakage);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QString folder = dir.path();
        if (breakage == "missing")
            folder += "/absent";
        else if (breakage == "config")
            breakModel(dir, "config.json", "{\"n_layer\": x}");
        else
            breakModel(dir, "model.safetensors", {});
        QStringList arguments = {"--model", folder};
        arguments << (window ? QStringList{"--screenshot", dir.path() + "/shot.png"} : QStringList{"--text"});
        const Run result = run(arguments, window);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(expected), qPrintable(result.err));
        QVERIFY2(result.err.contains(folder), qPrintable(result.err));
        QVERIFY2(!result.err.contains("exception") && !result.err.contains("tiny-mha"), qPrintable(result.err));
        QVERIFY(!QFile::exists(dir.path() + "/shot.png"));
    }

    void stepPastTheEndSaysSo()
    {
        QTemporaryDir dir;
        const Run result = run({"--step", "99", "--screenshot", dir.path() + "/shot.png"}, true);
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.err.contains("--step 99 is past the end: this walk-through has 5 steps (0 to 4), so it opens at step 4"),
                 qPrintable(result.err));
        QVERIFY(QFile::exists(dir.path() + "/shot.png"));
    }

    void helpListsTheOptions()
    {
        const Run result = run({"--help"});
        QCOMPARE(result.exitCode, 0);
        for (const char* option : {"--text", "--prompt", "--model", "--max-new", "--temperature", "--top-k", "--top-p", "--seed",
                                   "--step", "--phase", "--screenshot", "--present", "--theme"})
            QVERIFY2(result.out.contains(option), option);
    }

    // Every mode on one line of its own, with a complete example; the usage line names the program.
    void helpListsEveryModeWithAnExample()
    {
        const Run result = run({"--help"});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.out.startsWith("Usage: kvcache-lab [MODE] [options]\n"), qPrintable(result.out));
        QVERIFY(!result.out.contains("executable_name"));
        const QStringList lines = result.out.split('\n');
        for (const char* mode : {"(none)", "--text", "--export DIR", "--memory PRESET", "--bench"}) {
            const QStringList line = lines.filter(
                QRegularExpression(QStringLiteral("^  %1 .* e\\.g\\. ").arg(QRegularExpression::escape(mode))));
            QVERIFY2(line.size() == 1, mode);
            const QString flag = QString::fromLatin1(mode).section(' ', 0, 0);
            QVERIFY2(line.front().contains(QStringLiteral("e.g. kvcache-lab ") + (flag == "(none)" ? QString() : flag)),
                     qPrintable(line.front()));
        }
    }

    void modeHelpNamesTheProgram_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("usage");
        QTest::newRow("memory") << "--memory" << "Usage: renamed-lab --memory [options] PRESET\n";
        QTest::newRow("bench") << "--bench" << "Usage: renamed-lab --bench [options]\n";
        QTest::newRow("export") << "--export" << "Usage: renamed-lab --export DIR [options]\n";
        QTest::newRow("window and text") << "--text" << "Usage: renamed-lab [MODE] [options]\n";
    }

    // Started under another name, every usage line says that name.
    void modeHelpNamesTheProgram()
    {
        QFETCH(QString, mode);
        QFETCH(QString, usage);
        QTemporaryDir dir;
        const QString renamed = dir.path() + "/renamed-lab";
        QVERIFY(QFile::link(QStringLiteral(KVLAB_BINARY), renamed));
        QProcess process;
        process.start(renamed, {mode, "--help"});
        QVERIFY(process.waitForFinished(60000));
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        QCOMPARE(process.exitCode(), 0);
        QVERIFY2(out.startsWith(usage), qPrintable(out));
        QVERIFY(!out.contains("executable_name"));
    }

    // One number reader for every mode: the same words for the same mistake.
    // --size and --layout with --screenshot: the picture is the size asked for.
    void screenshotAtTheSizeAsked()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("shot.png"));
        const Run result = run({"--size", "1100x700", "--layout", "stacked", "--step", "2", "--screenshot", path}, true);
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(QImage(path).size(), QSize(1100, 700));
        const QString presented = dir.filePath(QStringLiteral("present.png"));
        QCOMPARE(run({"--size", "1280x720", "--present", "--screenshot", presented}, true).exitCode, 0);
        QCOMPARE(QImage(presented).size(), QSize(1280, 720));
    }

    void numbersAreReadAlikeInEveryMode_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("window") << QStringList{"--text", "--seed", "many"} << "kvcache-lab: --seed must be a non-negative integer, got \"many\"";
        QTest::newRow("memory") << QStringList{"--memory", "OPT-13B", "--batch", "many"} << "kvcache-lab --memory: --batch must be a whole number, got \"many\"";
        QTest::newRow("bench") << QStringList{"--bench", "--tokens", "many"} << "kvcache-lab --bench: --tokens must be a whole number, got \"many\"";
        QTest::newRow("export") << QStringList{"--export", "x", "--layer", "many"} << "kvcache-lab --export: --layer must be a whole number, got \"many\"";
    }

    void numbersAreReadAlikeInEveryMode()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Run result = run(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(expected), qPrintable(result.err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
