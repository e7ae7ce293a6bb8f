#include "tests/support/CommandRun.h"
#include "app/cli/ExportCommand.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sstream>

namespace {

QStringList entries(const QString& directory)
{
    return QDir(directory).entryList(QDir::Files | QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

QStringList stepFiles(const QString& extension, int first, int last)
{
    QStringList names;
    for (int step = first; step <= last; ++step)
        names << QStringLiteral("step-%1.%2").arg(step, 2, 10, QLatin1Char('0')).arg(extension);
    return names;
}

int pdfPages(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    return static_cast<int>(
        QString::fromLatin1(file.readAll()).count(QRegularExpression(QStringLiteral("/Type\\s*/Page(?![a-zA-Z])"))));
}

} // namespace

// `kvcache-lab --export ...` called in-process, its output captured; and once
// as the real binary without a display.
class TestExportCommand : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_root;

    using Run = kvtest::CommandRun;

    static Run run(const QStringList& arguments) { return kvtest::runCommand(kvlab::runExportCommand, arguments); }

    QString folder(const QString& name) const { return m_root.filePath(name); }

private slots:
    void initTestCase() { QVERIFY(m_root.isValid()); }

    void defaultsAreBothPanesEveryStepPrintThemeFullHd()
    {
        const QString out = folder(QStringLiteral("defaults"));
        const Run result = run({out});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.err.isEmpty(), qPrintable(result.err));
        QCOMPARE(entries(out), stepFiles(QStringLiteral("png"), 0, 4));
        QCOMPARE(result.out.trimmed().split('\n').size(), 5);
        const QImage last(QDir(out).filePath(QStringLiteral("step-04.png")));
        QCOMPARE(last.size(), QSize(1920, 1080));
        QCOMPARE(last.pixelColor(2, 2), QColor(Qt::white));
    }

    void pdfIsOneMultiPageFile()
    {
        const QString out = folder(QStringLiteral("pdf"));
        const Run result = run({out, "--format", "pdf", "--steps", "1-3", "--view", "window", "--size", "a4"});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(entries(out), QStringList{QStringLiteral("walkthrough.pdf")});
        QCOMPARE(pdfPages(QDir(out).filePath(QStringLiteral("walkthrough.pdf"))), 3);
    }

    void optionsChooseTheFilesAndTheirSize_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QSize>("size");
        QTest::newRow("one step as SVG") << QStringList{"--steps", "3", "--format", "svg", "--view", "cached"}
                                         << QStringList{"step-03.svg"} << QSize();
        QTest::newRow("phases of step 0, 4:3")
            << QStringList{"--steps", "0", "--phases", "--size", "1024x768", "--view", "strip"}
            << QStringList{"step-00-p1.png", "step-00-p2.png", "step-00-p3.png", "step-00-p4.png", "step-00-p5.png",
                           "step-00-p6.png", "step-00-p7.png"}
            << QSize(1024, 768);
        QTest::newRow("custom size at 2x, screen theme, no caption")
            << QStringList{"--steps", "2-3", "--size", "800x600", "--scale", "2", "--theme", "screen", "--no-caption"}
            << stepFiles(QStringLiteral("png"), 2, 3) << QSize(1600, 1200);
        QTest::newRow("animation at 2 fps") << QStringList{"--steps", "4", "--animation", "--fps", "2", "--size", "320x180"}
                                            << QStringList{"frame-00001.png", "frame-00002.png", "frame-00003.png",
                                                           "frame-00004.png", "frame-00005.png", "frame-00006.png",
                                                           "frame-00007.png", "frame-00008.png", "frame-00009.png",
                                                           "frame-00010.png", "frame-00011.png", "frame-00012.png",
                                                           "frame-00013.png", "frame-00014.png"}
                                            << QSize(320, 180);
    }

    void optionsChooseTheFilesAndTheirSize()
    {
        QFETCH(QStringList, options);
        QFETCH(QStringList, names);
        QFETCH(QSize, size);
        const QString out = folder(QStringLiteral("options-%1").arg(QTest::currentDataTag()));
        const Run result = run(QStringList{out} + options);
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(entries(out), names);
        if (size.isValid())
            QCOMPARE(QImage(QDir(out).filePath(names.first())).size(), size);
    }

    // The Charts dock's charts as pages: vectors with their words as text in
    // SVG, and the cursor on the frame's own step in PNG.
    void chartsExportAsPages_data()
    {
        QTest::addColumn<QString>("view");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("cost per step") << "cost-chart"
                                       << QStringList{"multiply-adds this step", "projections", "LM head",
                                                      "total without cache", "KV cache bytes"};
        QTest::newRow("cost vs length") << "scaling-chart"
                                        << QStringList{"sequence length (tokens)", "total, with cache (∝ length)",
                                                       "KV cache bytes (right axis)"};
    }

    void chartsExportAsPages()
    {
        QFETCH(QString, view);
        QFETCH(QStringList, words);
        const QString svg = folder(view + QStringLiteral("-svg"));
        QCOMPARE(run({svg, "--view", view, "--steps", "3", "--format", "svg"}).exitCode, 0);
        QFile file(QDir(svg).filePath(QStringLiteral("step-03.svg")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY(!text.contains(QStringLiteral("<image"))); // drawn, not pasted in as a bitmap
        QVERIFY(text.count(QStringLiteral("<polyline")) > 10);
        for (const QString& word : words)
            QVERIFY2(text.contains(QStringLiteral(">") + word + QStringLiteral("</text>")), qPrintable(word));

        const QString png = folder(view + QStringLiteral("-png"));
        QCOMPARE(run({png, "--view", view, "--steps", "1-3", "--size", "960x540"}).exitCode, 0);
        const QImage step1(QDir(png).filePath(QStringLiteral("step-01.png")));
        const QImage step3(QDir(png).filePath(QStringLiteral("step-03.png")));
        QCOMPARE(step3.size(), QSize(960, 540));
        int differing = 0;
        for (int y = 0; y < step1.height(); y += 2)
            for (int x = 0; x < step1.width(); x += 2)
                differing += step1.pixel(x, y) != step3.pixel(x, y);
        QVERIFY2(differing > 500, qPrintable(QString::number(differing))); // the cursor moved

        // The page's resolution changes nothing drawn: A4 at 150 dpi equals
        // the same pixels at 96 dpi.
        const QString a4 = folder(view + QStringLiteral("-a4"));
        const QString same = folder(view + QStringLiteral("-96dpi"));
        QCOMPARE(run({a4, "--view", view, "--steps", "1", "--size", "a4"}).exitCode, 0);
        QCOMPARE(run({same, "--view", view, "--steps", "1", "--size", "1754x1240"}).exitCode, 0);
        const QImage at150(QDir(a4).filePath(QStringLiteral("step-01.png")));
        const QImage at96(QDir(same).filePath(QStringLiteral("step-01.png")));
        QCOMPARE(qRound(at150.dotsPerMeterX() * 0.0254), 150);
        QCOMPARE(qRound(at96.dotsPerMeterX() * 0.0254), 96);
        QCOMPARE(at150.convertToFormat(QImage::Format_RGB32), at96.convertToFormat(QImage::Format_RGB32));
    }

    void badInputIsRefusedWithExitCodeTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("no folder") << QStringList{} << "give one folder";
        QTest::newRow("format") << QStringList{"x", "--format", "gif"} << "--format takes png, svg or pdf";
        QTest::newRow("step past the end") << QStringList{"x", "--steps", "9"} << "step 9, but the walk-through has steps 0–4";
        QTest::newRow("steps backwards") << QStringList{"x", "--steps", "3-1"} << "steps 3–1";
        QTest::newRow("steps text") << QStringList{"x", "--steps", "first"} << "--steps takes all, N or N-M";
        QTest::newRow("view") << QStringList{"x", "--view", "everything"} << "--view takes both|uncached|cached|strip|window|cost-chart|scaling-chart";
        QTest::newRow("size") << QStringList{"x", "--size", "10x10"} << "--size takes WxH";
        QTest::newRow("theme") << QStringList{"x", "--theme", "neon"} << "--theme takes print or screen";
        QTest::newRow("fps alone") << QStringList{"x", "--fps", "30"} << "--fps is the frame rate of --animation";
        QTest::newRow("animated PDF") << QStringList{"x", "--animation", "--format", "pdf"} << "--animation writes PNG";
        QTest::newRow("transparent SVG") << QStringList{"x", "--format", "svg", "--transparent"} << "are for PNG";
        QTest::newRow("head") << QStringList{"x", "--head", "7"} << "layer 0, head 7 is not in the model";
        QTest::newRow("unknown word") << QStringList{"x", "--prompt", "I saw a zeppelin"} << "zeppelin";
        QTest::newRow("unknown option") << QStringList{"x", "--colour", "red"} << "colour";
    }

    void badInputIsRefusedWithExitCodeTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const QStringList existing = entries(m_root.path());
        const Run result = run(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.startsWith(QStringLiteral("kvcache-lab --export: ")), qPrintable(result.err));
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
        QVERIFY(result.out.isEmpty());
        QCOMPARE(entries(m_root.path()), existing);
        QVERIFY(!QFileInfo::exists(QStringLiteral("x")));
    }

    void existingFilesNeedForce()
    {
        const QString out = folder(QStringLiteral("force"));
        QCOMPARE(run({out, "--steps", "1", "--format", "svg"}).exitCode, 0);
        const QString path = QDir(out).filePath(QStringLiteral("step-01.svg"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("edited");
        file.close();

        const Run refused = run({out, "--steps", "1", "--format", "svg"});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("step-01.svg")) && refused.err.contains(QStringLiteral("--force")),
                 qPrintable(refused.err));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("edited"));
        file.close();

        QCOMPARE(run({out, "--steps", "1", "--format", "svg", "--force"}).exitCode, 0);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("<svg"));
        QCOMPARE(entries(out), QStringList{QStringLiteral("step-01.svg")});
    }

    void unwritableFolderFailsAndWritesNothing()
    {
        QFile blocker(folder(QStringLiteral("plain-file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const Run result = run({folder(QStringLiteral("plain-file/out")), "--format", "pdf"});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(QStringLiteral("cannot create the folder")), qPrintable(result.err));
        QVERIFY(result.out.isEmpty());
    }

    void helpListsTheOptions()
    {
        const Run result = run({"--help"});
        QCOMPARE(result.exitCode, 0);
        for (const char* option : {"--format", "--steps", "--phases", "--view", "--size", "--theme", "--prompt", "--model",
                                   "--force", "--animation", "--fps"})
            QVERIFY2(result.out.contains(QLatin1String(option)), option);
    }

    void theBinaryExportsWithoutADisplay()
    {
        const QString out = folder(QStringLiteral("binary"));
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            environment.remove(QString::fromLatin1(name));
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(KVLAB_BINARY), {"--export", out, "--format", "pdf"});
        QVERIFY(process.waitForFinished(120000));
        QCOMPARE(process.exitCode(), 0);
        const QString written = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
        QCOMPARE(written, QDir(out).absoluteFilePath(QStringLiteral("walkthrough.pdf")));
        QCOMPARE(pdfPages(written), 5);
    }
};

QTEST_MAIN(TestExportCommand)
#include "tst_exportcommand.moc"
