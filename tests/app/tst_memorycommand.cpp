#include "tests/support/CommandRun.h"
#include "app/cli/MemoryCommand.h"

#include <QtTest>

#include <sstream>

// `kvcache-lab --memory ...` called in-process, its output captured.
class TestMemoryCommand : public QObject {
    Q_OBJECT

private:
    struct Run : kvtest::CommandRun {
        // The value after "key: " on the line that starts with it.
        QString value(const QString& key) const
        {
            for (const QString& line : out.split('\n'))
                if (line.startsWith(key + ": "))
                    return line.mid(key.size() + 2);
            return {};
        }
    };

    static Run run(const QStringList& arguments) { return Run{kvtest::runCommand(kvlab::runMemoryCommand, arguments)}; }

private slots:
    void printsTheFiguresAndTheFormula_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("bytesPerToken");
        QTest::addColumn<QString>("totalBytes");
        QTest::addColumn<QString>("formula");
        QTest::newRow("Llama-3-70B, 4096 tokens") << QStringList{"llama-3-70b", "--context", "4096"} << "327680" << "1342177280"
            << "2 x 2 B x 80 layers x 8 KV heads x 128 head_dim x 4096 tokens x 1 batch = 1,342,177,280 B";
        QTest::newRow("without GQA") << QStringList{"Llama-3-70B", "--kv-heads", "64"} << "2621440" << "10737418240"
            << "2 x 2 B x 80 layers x 64 KV heads x 128 head_dim x 4096 tokens x 1 batch = 10,737,418,240 B";
        QTest::newRow("Llama-2-7B int4, batch 2") << QStringList{"Llama-2-7B", "--dtype", "int4", "--batch", "2", "--context", "100"}
            << "131072" << "26214400" << "2 x 0.5 B x 32 layers x 32 KV heads x 128 head_dim x 100 tokens x 2 batch = 26,214,400 B";
        QTest::newRow("GPT-2 defaults to its 1024 positions") << QStringList{"gpt-2-small"} << "36864" << "37748736"
            << "2 x 2 B x 12 layers x 12 KV heads x 64 head_dim x 1024 tokens x 1 batch = 37,748,736 B";
    }

    void printsTheFiguresAndTheFormula()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, bytesPerToken);
        QFETCH(QString, totalBytes);
        QFETCH(QString, formula);
        const Run result = run(arguments);
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.err.isEmpty(), qPrintable(result.err));
        QCOMPARE(result.value("bytes_per_token"), bytesPerToken);
        QCOMPARE(result.value("total_bytes"), totalBytes);
        QCOMPARE(result.value("formula"), formula);
        QVERIFY(result.value("preset").contains(" layers"));
    }

    void gpuSplitOfTheThirteenBClaim()
    {
        const Run result = run({"OPT-13B", "--context", "2048", "--batch", "7", "--gpu", "a100-40gb"});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.value("total_bytes"), QStringLiteral("11744051200"));
        QCOMPARE(result.value("gpu_bytes"), QStringLiteral("40000000000"));
        QCOMPARE(result.value("weights_bytes"), QStringLiteral("26000000000"));
        QCOMPARE(result.value("weights_share_percent"), QStringLiteral("65.00"));
        QCOMPARE(result.value("cache_share_percent"), QStringLiteral("29.36"));
        QCOMPARE(result.value("left_bytes"), QStringLiteral("2255948800"));
        QCOMPARE(result.value("fits"), QStringLiteral("yes"));
        QCOMPARE(result.value("max_tokens_that_fit"), QStringLiteral("2441"));
    }

    void notesForMlaAndTheWindow_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("totalBytes");
        QTest::addColumn<QString>("note");
        QTest::newRow("DeepSeek-V3 MLA") << QStringList{"DeepSeek-V3"} << "287834112" << "not 2 x heads x head_dim";
        QTest::newRow("Mistral window") << QStringList{"mistral-7b", "--context", "32768"} << "536870912" << "sliding window";
    }

    void notesForMlaAndTheWindow()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, totalBytes);
        QFETCH(QString, note);
        const Run result = run(arguments);
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.value("total_bytes"), totalBytes);
        QVERIFY2(result.out.split('\n').filter(QRegularExpression("^note: .*" + QRegularExpression::escape(note))).size() == 1,
                 qPrintable(result.out));
    }

    void listPrintsEveryPreset()
    {
        const Run result = run({"list"});
        QCOMPARE(result.exitCode, 0);
        const QStringList lines = result.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 10);
        QVERIFY(lines.filter(QRegularExpression("^Llama-3-70B: GQA, 80 layers, 64 heads, 8 KV heads x 128")).size() == 1);
        QVERIFY(lines.filter(QRegularExpression("^DeepSeek-V3: MLA, 61 layers, 576-element latent")).size() == 1);
    }

    void nonsenseExitsTwoWithOneMessage_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("unknown preset lists the known ones") << QStringList{"llama-9"} << QStringList{"\"llama-9\"", "Llama-3-70B", "Mistral-7B"};
        QTest::newRow("no preset") << QStringList{} << QStringList{"known presets", "GPT-2-small"};
        QTest::newRow("two presets") << QStringList{"OPT-13B", "Llama-2-7B"} << QStringList{"one model preset"};
        QTest::newRow("0 context") << QStringList{"OPT-13B", "--context", "0"} << QStringList{"context", "got 0"};
        QTest::newRow("negative context") << QStringList{"OPT-13B", "--context", "-4"} << QStringList{"context", "got -4"};
        QTest::newRow("0 batch") << QStringList{"OPT-13B", "--batch", "0"} << QStringList{"batch", "got 0"};
        QTest::newRow("words for a number") << QStringList{"OPT-13B", "--batch", "many"} << QStringList{"--batch", "\"many\""};
        QTest::newRow("kv heads not dividing") << QStringList{"Llama-3-70B", "--kv-heads", "5"} << QStringList{"(5)", "(64)"};
        QTest::newRow("kv heads for MLA") << QStringList{"DeepSeek-V3", "--kv-heads", "8"} << QStringList{"does not apply"};
        QTest::newRow("unknown dtype") << QStringList{"OPT-13B", "--dtype", "fp64"} << QStringList{"\"fp64\"", "int4"};
        QTest::newRow("unknown GPU") << QStringList{"OPT-13B", "--gpu", "V100"} << QStringList{"\"V100\"", "H100-80GB"};
        QTest::newRow("unknown option") << QStringList{"OPT-13B", "--tokens", "5"} << QStringList{"tokens"};
    }

    void nonsenseExitsTwoWithOneMessage()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QStringList, mentions);
        const Run result = run(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.out.isEmpty());
        QCOMPARE(result.err.count('\n'), 1);
        for (const QString& mention : mentions)
            QVERIFY2(result.err.contains(mention), qPrintable(result.err));
    }
};

QTEST_GUILESS_MAIN(TestMemoryCommand)
#include "tst_memorycommand.moc"
