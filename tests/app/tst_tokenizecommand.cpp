#include "app/cli/TokenizeCommand.h"
#include "tests/support/CommandRun.h"
#include "tests/support/TestModels.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

// `kvcache-lab --tokenize TEXT --model DIR` called in-process, its output captured.
class TestTokenizeCommand : public QObject {
    Q_OBJECT

private:
    static kvtest::CommandRun run(const QStringList& arguments)
    {
        return kvtest::runCommand(kvlab::runTokenizeCommand, arguments);
    }

    // The value after "key: " on the line that starts with it.
    static QString value(const kvtest::CommandRun& result, const QString& key)
    {
        for (const QString& line : result.out.split('\n'))
            if (line.startsWith(key + ": "))
                return line.mid(key.size() + 2);
        return {};
    }

    static QString sharedGpt2() { return QStringLiteral(KVLAB_SHARED_DATA "/gpt2"); }

    // A folder holding only GPT-2's vocab.json and merges.txt.
    static void copyGpt2Pair(const QTemporaryDir& dir)
    {
        for (const QString& name : {QStringLiteral("vocab.json"), QStringLiteral("merges.txt")})
            QVERIFY(QFile::copy(sharedGpt2() + '/' + name, dir.filePath(name)));
    }

private slots:
    void shippedWordModelGivesItsVocabularyLines()
    {
        const QString folder = kvtest::shippedModelDir(QStringLiteral("tiny-mha"));
        QFile vocab(folder + QStringLiteral("/vocab.txt"));
        QVERIFY(vocab.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList words = QString::fromUtf8(vocab.readAll()).split('\n');
        QStringList ids;
        for (const QString& word : {QStringLiteral("I"), QStringLiteral("saw"), QStringLiteral("the"), QStringLiteral("cat")})
            ids << QString::number(words.indexOf(word));
        QVERIFY(!ids.contains(QStringLiteral("-1")));

        for (const QStringList& modelArguments : {QStringList{"--model", folder}, QStringList{}}) {
            const kvtest::CommandRun result = run(QStringList{"I saw the cat"} + modelArguments);
            QCOMPARE(result.exitCode, 0);
            QVERIFY2(result.err.isEmpty(), qPrintable(result.err));
            QCOMPARE(value(result, "ids"), ids.join(','));
            QCOMPARE(value(result, "pieces"), QStringLiteral("I|saw|the|cat"));
        }
    }

    void gpt2PairReproducesTheReferenceEncodings()
    {
        if (!QFile::exists(sharedGpt2() + QStringLiteral("/encodings.json")))
            QSKIP("the shared GPT-2 reference files are absent");
        QTemporaryDir dir;
        copyGpt2Pair(dir);
        QFile file(sharedGpt2() + QStringLiteral("/encodings.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray cases = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("cases")).toArray();
        QVERIFY(cases.size() >= 2);
        for (const QJsonValue& entry : cases) {
            QStringList ids;
            for (const QJsonValue& id : entry.toObject().value(QStringLiteral("ids")).toArray())
                ids << QString::number(id.toInt());
            const QString text = entry.toObject().value(QStringLiteral("text")).toString();
            const kvtest::CommandRun result = run({text, "--model", dir.path()});
            QCOMPARE(result.exitCode, 0);
            QCOMPARE(value(result, "ids"), ids.join(','));
            QCOMPARE(value(result, "pieces").count('|') + 1, ids.size());
        }
    }

    void piecesShowSpacesNewlinesAndEscapeTheSeparator()
    {
        if (!QFile::exists(sharedGpt2() + QStringLiteral("/vocab.json")))
            QSKIP("the shared GPT-2 reference files are absent");
        QTemporaryDir dir;
        copyGpt2Pair(dir);
        QCOMPARE(value(run({"I saw a beautiful car", "--model", dir.path()}), "pieces"),
                 QStringLiteral("I|␣saw|␣a|␣beautiful|␣car"));
        QCOMPARE(value(run({"line one\nline two", "--model", dir.path()}), "pieces"),
                 QStringLiteral("line|␣one|↵|line|␣two"));
        QCOMPARE(value(run({"a|b", "--model", dir.path()}), "pieces"), QStringLiteral("a|\\||b"));
    }

    void errorsAreOneLineAndAnExitCode()
    {
        const kvtest::CommandRun missing = run({"hello", "--model", "/nonexistent/model"});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("/nonexistent/model"), qPrintable(missing.err));
        QVERIFY(missing.out.isEmpty());

        const kvtest::CommandRun unknownWord = run({"zebra", "--model", kvtest::shippedModelDir("tiny-mha")});
        QCOMPARE(unknownWord.exitCode, 1);
        QVERIFY2(unknownWord.err.contains("zebra"), qPrintable(unknownWord.err));

        QCOMPARE(run({}).exitCode, 2);
        QCOMPARE(run({"a", "b"}).exitCode, 2);
        const kvtest::CommandRun help = run({"--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("pieces: P|P|..."));
    }
};

QTEST_GUILESS_MAIN(TestTokenizeCommand)
#include "tst_tokenizecommand.moc"
