#include "tests/support/CommandRun.h"
#include "app/cli/BenchCommand.h"
#include "tests/support/TestModels.h"

#include <QRegularExpression>
#include <QThread>
#include <QtTest>

#include <sstream>

// `kvcache-lab --bench ...` called in-process, its output captured. The
// figures are checked for being numbers, never for their values.
class TestBenchCommand : public QObject {
    Q_OBJECT

private:
    using Run = kvtest::CommandRun;

    static Run run(const QStringList& arguments) { return kvtest::runCommand(kvlab::runBenchCommand, arguments); }

private slots:
    void endsWithTheSixFigures()
    {
        const Run result = run({"--shape", "tiny", "--tokens", "5"});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.err.isEmpty(), qPrintable(result.err));
        const QStringList lines = result.out.split('\n', Qt::SkipEmptyParts);
        QVERIFY(lines.size() >= 6);
        const QStringList keys{"prefill_ms", "decode_ms_per_token_cached", "decode_ms_per_token_uncached",
                               "predicted_speedup", "roofline_speedup", "measured_speedup"};
        const QStringList closing = lines.mid(lines.size() - 6);
        for (int i = 0; i < keys.size(); ++i) {
            QVERIFY2(closing[i].startsWith(keys[i] + ": "), qPrintable(closing[i]));
            bool ok = false;
            const double value = closing[i].mid(keys[i].size() + 2).toDouble(&ok);
            QVERIFY2(ok, qPrintable(closing[i]));
            QVERIFY2(value >= 0.0, qPrintable(closing[i]));
        }
    }

    void printsTheRatesAndOneLinePerStep()
    {
        const Run result = run({"--shape", "tiny", "--tokens", "5", "--prompt-tokens", "3"});
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.out.contains("machine_gflops: "));
        QVERIFY(result.out.contains("machine_gbps: "));
        QVERIFY(result.out.contains("prompt_tokens: 3\n"));
        QStringList steps;
        for (const QString& line : result.out.split('\n'))
            if (!line.startsWith('#') && !line.contains(':') && !line.isEmpty())
                steps << line.simplified();
        QCOMPARE(steps.size(), 5);
        for (int i = 0; i < 5; ++i)
            QVERIFY2(steps[i].startsWith(QStringLiteral("%1 %2 ").arg(i).arg(3 + i)), qPrintable(steps[i]));
    }

    void printsTheThreadsAndEachPathsFractionOfItsRoofline()
    {
        const Run result = run({"--shape", "tiny", "--tokens", "4", "--threads", "1"});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.out.contains("\nthreads: 1\n"), qPrintable(result.out));
        for (const QString key : {"cached_fraction_of_roofline", "uncached_fraction_of_roofline"}) {
            const QRegularExpressionMatch match =
                QRegularExpression(QStringLiteral("\n%1: ([^\n]*)\n").arg(key)).match(result.out);
            QVERIFY2(match.hasMatch(), qPrintable(key));
            bool ok = false;
            const double value = match.captured(1).toDouble(&ok);
            QVERIFY2(ok && value > 0.0 && value < 100.0, qPrintable(match.captured(0)));
        }
        for (const QString key : {"cached_bound", "uncached_bound"}) {
            const QRegularExpressionMatch match =
                QRegularExpression(QStringLiteral("\n%1: (memory|compute)\n").arg(key)).match(result.out);
            QVERIFY2(match.hasMatch(), qPrintable(key));
        }
    }

    // The bandwidth read between the passes: its spread, the mean each path
    // was priced at (within the spread), and the ceilings-only prediction.
    void printsTheBandwidthReadDuringTheRun()
    {
        const Run result = run({"--shape", "tiny", "--tokens", "4", "--threads", "1"});
        QCOMPARE(result.exitCode, 0);
        QMap<QString, double> values;
        for (const QString key : {"machine_gbps_during_min", "machine_gbps_during_median", "machine_gbps_during_max",
                                  "cached_priced_gbps", "uncached_priced_gbps", "roofline_speedup_at_best_ceilings"}) {
            const QRegularExpressionMatch match =
                QRegularExpression(QStringLiteral("\n%1: ([^\n]*)\n").arg(key)).match(result.out);
            QVERIFY2(match.hasMatch(), qPrintable(key));
            bool ok = false;
            values[key] = match.captured(1).toDouble(&ok);
            QVERIFY2(ok && values[key] > 0.0, qPrintable(match.captured(0)));
        }
        const double min = values["machine_gbps_during_min"];
        const double max = values["machine_gbps_during_max"];
        QVERIFY(min <= values["machine_gbps_during_median"] && values["machine_gbps_during_median"] <= max);
        for (const QString key : {"cached_priced_gbps", "uncached_priced_gbps"})
            QVERIFY2(min <= values[key] && values[key] <= max, qPrintable(key));
        // Each step line ends with the bandwidth its two passes were priced at.
        for (const QString& line : result.out.split('\n')) {
            if (line.startsWith('#') || line.contains(':') || line.isEmpty())
                continue;
            const QStringList columns = line.simplified().split(' ');
            QCOMPARE(columns.size(), 13);
            for (const QString& column : columns.mid(11)) {
                const double gbps = column.toDouble();
                QVERIFY2(min <= gbps && gbps <= max, qPrintable(line));
            }
        }
    }

    // A checkpoint's own weights: the header names the model, and the
    // decode rates follow from the per-token times.
    void timesALoadedModelInTokensPerSecond()
    {
        const QString model = kvtest::shippedModelDir(QStringLiteral("tiny-llama"));
        const Run result = run({"--model", model, "--tokens", "4", "--threads", "1"});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.out.startsWith(QStringLiteral("model: %1 (2 layers, d=32, 4 heads sharing 2 KV heads").arg(model)),
                 qPrintable(result.out.left(200)));
        QVERIFY(result.out.contains("its own weights"));
        for (const QString path : {"cached", "uncached"}) {
            const auto value = [&](const QString& key) {
                const QRegularExpressionMatch match =
                    QRegularExpression(QStringLiteral("\n%1: ([^\n]*)\n").arg(key)).match(result.out);
                return match.hasMatch() ? match.captured(1).toDouble() : -1.0;
            };
            const double perSecond = value("decode_tok_per_s_" + path);
            const double msPerToken = value("decode_ms_per_token_" + path);
            QVERIFY2(perSecond > 0.0 && msPerToken > 0.0, qPrintable(result.out));
            // Both are printed to 3 decimals.
            QVERIFY2(std::abs(perSecond * msPerToken - 1000.0) < 1000.0 * 0.001 + perSecond * 0.0005,
                     qPrintable(QStringLiteral("%1 tok/s at %2 ms").arg(perSecond).arg(msPerToken)));
        }
    }

    void threadsDefaultToEveryCore()
    {
        const Run result = run({"--shape", "tiny", "--tokens", "2"});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.out.contains(QStringLiteral("\nthreads: %1\n").arg(QThread::idealThreadCount())),
                 qPrintable(result.out));
    }

    void helpExitsZero()
    {
        const Run result = run({"--help"});
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.out.contains("--prompt-tokens"));
        QVERIFY(result.out.contains("--threads"));
    }

    void badValuesExitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown shape") << QStringList{"--shape", "gpt5"} << "tiny, small, gpt2-small";
        QTest::newRow("no tokens") << QStringList{"--shape", "tiny", "--tokens", "0"} << "got 0";
        QTest::newRow("negative prompt") << QStringList{"--shape", "tiny", "--prompt-tokens", "-2"} << "got -2";
        QTest::newRow("not a number") << QStringList{"--tokens", "ten"} << "\"ten\"";
        QTest::newRow("past the tiny context") << QStringList{"--shape", "tiny"} << "16-token context";
        QTest::newRow("unknown option") << QStringList{"--turbo"} << "turbo";
        QTest::newRow("stray argument") << QStringList{"tiny"} << "\"tiny\"";
        QTest::newRow("a shape and a model") << QStringList{"--shape", "tiny", "--model", "x"} << "give one of them";
        QTest::newRow("no such model") << QStringList{"--model", "/nonexistent/model"} << "/nonexistent/model";
        QTest::newRow("missing value") << QStringList{"--tokens"} << "tokens";
        QTest::newRow("no threads") << QStringList{"--shape", "tiny", "--threads", "0"} << "got 0";
        QTest::newRow("more threads than cores")
            << QStringList{"--shape", "tiny", "--threads", QString::number(QThread::idealThreadCount() + 1)}
            << "this machine's cores";
    }

    void badValuesExitTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentions);
        const Run result = run(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.out.isEmpty(), qPrintable(result.out));
        QVERIFY2(result.err.startsWith("kvcache-lab --bench: "), qPrintable(result.err));
        QVERIFY2(result.err.contains(mentions), qPrintable(result.err));
        QCOMPARE(result.err.count('\n'), 1);
    }
};

QTEST_GUILESS_MAIN(TestBenchCommand)
#include "tst_benchcommand.moc"
