#include "app/window/AssetLocator.h"
#include "app/export/ClipboardExport.h"
#include "app/export/ExportDialog.h"
#include "app/export/ExportJob.h"
#include "app/export/FrameSequence.h"
#include "app/window/LessonFactory.h"
#include "views/diagrams/PageDiagram.h"
#include "views/playback/PhaseList.h"

#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QMimeData>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <unistd.h>

using namespace kvlab;
using Format = ExportSettings::Format;
using Steps = ExportSettings::Steps;
using Status = ExportJob::Result::Status;

namespace {

// The shipped GPT-2 models' steps: seven phases (no RoPE, so no Rotate).
const int kPhaseCount = PhaseList().count();

constexpr int kSteps = 5; // "I" -> saw a beautiful car [EOS]: the prefill and four decode steps

// Every entry of `directory`, hidden ones too: a leftover temporary file would show.
QStringList entries(const QString& directory)
{
    return QDir(directory).entryList(QDir::Files | QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

QStringList numbered(const QString& pattern, int first, int last, int width = 2)
{
    QStringList names;
    for (int i = first; i <= last; ++i)
        names << pattern.arg(i, width, 10, QLatin1Char('0'));
    return names;
}

// Pages of a PDF, counted as /Type /Page objects (not /Pages), cross-checked with pdfinfo when it is installed.
int pdfPageCount(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?![a-zA-Z])"));
    const int counted = static_cast<int>(QString::fromLatin1(file.readAll()).count(page));
    const QString pdfinfo = QStandardPaths::findExecutable(QStringLiteral("pdfinfo"));
    if (pdfinfo.isEmpty())
        return counted;
    QProcess process;
    process.start(pdfinfo, {path});
    process.waitForFinished(30000);
    const QRegularExpressionMatch match
        = QRegularExpression(QStringLiteral("Pages:\\s+(\\d+)")).match(QString::fromUtf8(process.readAllStandardOutput()));
    return match.hasMatch() && match.captured(1).toInt() == counted ? counted : -2;
}

// The text of every <text> element of an SVG; empty with `error` set when it is not well-formed XML.
QStringList svgTexts(const QString& path, QString& error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        error = file.errorString();
        return {};
    }
    QXmlStreamReader xml(&file);
    QStringList texts;
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == QLatin1String("text"))
            texts << xml.readElementText(QXmlStreamReader::IncludeChildElements);
    }
    if (xml.hasError())
        error = xml.errorString();
    return texts;
}

// Share of pixels that differ from the top-left one.
double inkShare(const QImage& image)
{
    const QRgb paper = image.pixel(0, 0);
    qint64 ink = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            ink += image.pixel(x, y) != paper;
    return 4.0 * static_cast<double>(ink) / (static_cast<double>(image.width()) * image.height());
}

} // namespace

// Export of the default walk-through to every format, offscreen, checked file by file.
class TestExport : public QObject {
    Q_OBJECT

private:
    Frame m_frame;
    QTemporaryDir m_root;

    QString folder(const QString& name) const { return m_root.filePath(name); }

    ExportSettings settings(const QString& name, Format format = Format::Png) const
    {
        ExportSettings settings;
        settings.directory = folder(name);
        settings.format = format;
        return settings;
    }

    ExportJob::Result run(const ExportSettings& settings, const Frame& frame) const
    {
        const ExportJob job(settings, frame);
        return job.run();
    }
    ExportJob::Result run(const ExportSettings& settings) const { return run(settings, m_frame); }

    Frame at(int step, Phase phase) const
    {
        Frame frame = m_frame;
        frame.step = step;
        frame.phase = phase;
        return frame;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_root.isValid());
        LessonFactory lessons;
        lessons.loadModel(AssetLocator::defaultModelDir());
        m_frame.lesson = lessons.normal(QStringLiteral("I"), kv::GenerationSettings{});
        m_frame.theme = Theme::light();
        QCOMPARE(m_frame.lesson->stepCount(), kSteps);
    }

    void pngHasTheRequestedSizeAndIsNotBlank_data()
    {
        QTest::addColumn<ExportSettings::Size>("size");
        QTest::addColumn<double>("scale");
        QTest::addColumn<QSize>("pixels");
        QTest::addColumn<int>("dpi");
        QTest::newRow("16:9") << ExportSettings::Size::Wide << 1.0 << QSize(1920, 1080) << 96;
        QTest::newRow("4:3 at 2x") << ExportSettings::Size::Classic << 2.0 << QSize(2048, 1536) << 192;
        QTest::newRow("A4 landscape") << ExportSettings::Size::A4Landscape << 1.0 << QSize(1754, 1240) << 150;
    }

    void pngHasTheRequestedSizeAndIsNotBlank()
    {
        QFETCH(ExportSettings::Size, size);
        QFETCH(double, scale);
        QFETCH(QSize, pixels);
        QFETCH(int, dpi);
        ExportSettings png = settings(QStringLiteral("png-%1").arg(QTest::currentDataTag()));
        png.size = size;
        png.pngScale = scale;
        const ExportJob::Result result = run(png);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(entries(png.directory), numbered(QStringLiteral("step-%1.png"), 0, kSteps - 1));
        for (const QString& path : result.files) {
            const QImage image(path);
            QCOMPARE(image.size(), pixels);
            QVERIFY2(inkShare(image) > 0.03, qPrintable(path));
            QCOMPARE(qRound(image.dotsPerMeterX() * 0.0254), dpi);
        }
    }

    void printThemeIsWhiteWithBlackText()
    {
        QCOMPARE(Theme::print().background, QColor(Qt::white));
        QCOMPARE(Theme::print().text, QColor(Qt::black));
        const ExportJob::Result result = run(settings(QStringLiteral("print")));
        QVERIFY2(result.ok(), qPrintable(result.error));
        const QImage image(result.files.last());
        for (QPoint corner : {QPoint(2, 2), QPoint(image.width() - 3, 2), QPoint(2, image.height() - 3)})
            QCOMPARE(image.pixelColor(corner), QColor(Qt::white));
    }

    void transparentPngLeavesThePageClear()
    {
        ExportSettings png = settings(QStringLiteral("transparent"));
        png.transparent = true;
        png.steps = Steps::Current;
        const ExportJob::Result result = run(png);
        QVERIFY2(result.ok(), qPrintable(result.error));
        const QImage image(result.files.first());
        QVERIFY(image.hasAlphaChannel());
        QCOMPARE(qAlpha(image.pixel(2, 2)), 0);
    }

    void svgKeepsTheWordsAsTextOneFilePerStep()
    {
        const ExportJob::Result result = run(settings(QStringLiteral("svg"), Format::Svg));
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(entries(folder(QStringLiteral("svg"))), numbered(QStringLiteral("step-%1.svg"), 0, kSteps - 1));
        for (int step = 0; step < kSteps; ++step) {
            QString error;
            const QStringList texts = svgTexts(result.files[step], error);
            QVERIFY2(error.isEmpty(), qPrintable(result.files[step] + ": " + error));
            // "beautiful" is predicted at step 2 and is a token from step 3 on.
            QCOMPARE(!texts.filter(QStringLiteral("beautiful")).isEmpty(), step >= 2);
            QVERIFY(!texts.filter(QStringLiteral("WITH KV cache")).isEmpty());
        }
    }

    void pdfHasOnePagePerFrame_data()
    {
        QTest::addColumn<bool>("perPhase");
        QTest::addColumn<ExportSettings::Size>("size");
        QTest::addColumn<int>("pages");
        QTest::newRow("per step, 16:9") << false << ExportSettings::Size::Wide << kSteps;
        QTest::newRow("per phase, A4") << true << ExportSettings::Size::A4Landscape << kSteps * kPhaseCount;
    }

    void pdfHasOnePagePerFrame()
    {
        QFETCH(bool, perPhase);
        QFETCH(ExportSettings::Size, size);
        QFETCH(int, pages);
        ExportSettings pdf = settings(QStringLiteral("pdf-%1").arg(QTest::currentDataTag()), Format::Pdf);
        pdf.perPhase = perPhase;
        pdf.size = size;
        const ExportJob::Result result = run(pdf);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(entries(pdf.directory), QStringList{QStringLiteral("walkthrough.pdf")});
        QCOMPARE(pdfPageCount(result.files.first()), pages);
    }

    void selectionWritesExactlyTheseNames_data()
    {
        QTest::addColumn<ExportSettings>("chosen");
        QTest::addColumn<Frame>("current");
        QTest::addColumn<QStringList>("names");
        ExportSettings range;
        range.steps = Steps::Range;
        range.firstStep = 1;
        range.lastStep = 2;
        QTest::newRow("steps 1-2") << range << m_frame << QStringList{"step-01.png", "step-02.png"};
        ExportSettings phases = range;
        phases.firstStep = 2;
        phases.perPhase = true;
        phases.format = Format::Svg;
        QTest::newRow("step 2 per phase") << phases << m_frame << numbered(QStringLiteral("step-02-p%1.svg"), 1, 7, 1);
        ExportSettings current;
        current.steps = Steps::Current;
        QTest::newRow("current, mid-step") << current << at(3, Phase::Scores) << QStringList{"step-03-p4.png"};
        QTest::newRow("current, whole step") << current << at(3, Phase::NextToken) << QStringList{"step-03.png"};
        ExportSettings onePdf = range;
        onePdf.lastStep = 1;
        onePdf.format = Format::Pdf;
        QTest::newRow("one-page PDF") << onePdf << m_frame << QStringList{"step-01.pdf"};
        ExportSettings animation = range;
        animation.firstStep = 4;
        animation.lastStep = 4;
        animation.animation = true;
        animation.fps = 5; // 6 frames a phase
        QTest::newRow("animation of step 4") << animation << m_frame
                                             << numbered(QStringLiteral("frame-%1.png"), 1, 6 * kPhaseCount, 5);
    }

    void selectionWritesExactlyTheseNames()
    {
        QFETCH(ExportSettings, chosen);
        QFETCH(Frame, current);
        QFETCH(QStringList, names);
        chosen.directory = folder(QStringLiteral("names-%1").arg(QTest::currentDataTag()));
        chosen.size = ExportSettings::Size::Custom;
        chosen.customSize = QSize(480, 270); // small pages: the names are the point
        const ExportJob job(chosen, current);
        QCOMPARE(job.fileNames(), names);
        const ExportJob::Result result = job.run();
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(entries(chosen.directory), names);
    }

    // A rotary model exports its eight phases, the Rotate phase as p3 (and
    // Append as p4); GPT-2's names above keep their numbers.
    void rotaryModelsExportTheRotatePhase()
    {
        LessonFactory lessons;
        lessons.loadModel(QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-llama"));
        Frame llama = m_frame;
        llama.lesson = lessons.normal(QStringLiteral("I"), kv::GenerationSettings{});
        llama.step = 3;
        ExportSettings phases;
        phases.steps = Steps::Range;
        phases.firstStep = 2;
        phases.lastStep = 2;
        phases.perPhase = true;
        const auto pages = FrameSequence::pages(phases, llama);
        QCOMPARE(int(pages.size()), 8);
        QCOMPARE(pages[2].frame.phase, Phase::Rotate);
        QCOMPARE(pages[3].frame.phase, Phase::Append);
        QStringList names;
        for (const auto& page : pages)
            names << page.baseName;
        QCOMPARE(names, numbered(QStringLiteral("step-02-p%1"), 1, 8, 1));
        ExportSettings current;
        current.steps = Steps::Current;
        llama.phase = Phase::Rotate;
        QCOMPARE(FrameSequence::pages(current, llama).front().baseName, QStringLiteral("step-03-p3"));
    }

    void animationEasesEachPhaseFromZeroToOne()
    {
        ExportSettings animation;
        animation.animation = true;
        animation.fps = 10;
        const auto pages = FrameSequence::pages(animation, m_frame);
        const int perPhase = FrameSequence::framesPerPhase(10);
        QCOMPARE(perPhase, 12);
        QCOMPARE(static_cast<int>(pages.size()), kSteps * kPhaseCount * perPhase);
        for (std::size_t start = 0; start < pages.size(); start += static_cast<std::size_t>(perPhase)) {
            QCOMPARE(pages[start].frame.progress, 0.0);
            QCOMPARE(pages[start + static_cast<std::size_t>(perPhase) - 1].frame.progress, 1.0);
            QCOMPARE(pages[start].frame.phase, pages[start + 1].frame.phase);
        }
        QVERIFY(pages[1].frame.progress > 0.0 && pages[1].frame.progress < 1.0);
    }

    void unwritableTargetFailsAndWritesNothing()
    {
        QFile blocker(folder(QStringLiteral("a-file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        ExportSettings underAFile = settings(QStringLiteral("a-file/slides"));
        const ExportJob::Result result = run(underAFile);
        QCOMPARE(result.status, Status::Failed);
        QVERIFY2(result.error.contains(QStringLiteral("a-file")), qPrintable(result.error));
        QVERIFY(result.files.isEmpty());

        if (geteuid() == 0)
            QSKIP("root writes into read-only folders; the folder-under-a-file case above still ran");
        ExportSettings readOnly = settings(QStringLiteral("read-only"));
        QVERIFY(QDir().mkpath(readOnly.directory));
        QFile::setPermissions(readOnly.directory, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        const ExportJob::Result refused = run(readOnly);
        QFile::setPermissions(readOnly.directory, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QCOMPARE(refused.status, Status::Failed);
        QVERIFY2(refused.error.contains(QStringLiteral("cannot write")), qPrintable(refused.error));
        QVERIFY(entries(readOnly.directory).isEmpty());
    }

    void existingFilesAreKeptUnlessForced()
    {
        ExportSettings png = settings(QStringLiteral("existing"));
        png.size = ExportSettings::Size::Custom;
        png.customSize = QSize(480, 270);
        QVERIFY(run(png).ok());
        const QString kept = QDir(png.directory).filePath(QStringLiteral("step-02.png"));
        QFile mine(kept);
        QVERIFY(mine.open(QIODevice::WriteOnly));
        mine.write("the lecturer's own edit");
        mine.close();

        const ExportJob::Result refused = run(png);
        QCOMPARE(refused.status, Status::Failed);
        QVERIFY2(refused.error.contains(QStringLiteral("step-00.png")), qPrintable(refused.error));
        QVERIFY(mine.open(QIODevice::ReadOnly));
        QCOMPARE(mine.readAll(), QByteArray("the lecturer's own edit"));
        mine.close();
        QCOMPARE(entries(png.directory), numbered(QStringLiteral("step-%1.png"), 0, kSteps - 1));

        png.force = true;
        QVERIFY(run(png).ok());
        QCOMPARE(QImage(kept).size(), QSize(480, 270));
        QCOMPARE(entries(png.directory), numbered(QStringLiteral("step-%1.png"), 0, kSteps - 1));
    }

    void cancelLeavesTheFolderAsItWas()
    {
        ExportSettings png = settings(QStringLiteral("cancelled"));
        const ExportJob job(png, m_frame);
        const ExportJob::Result result = job.run([](int done, int) { return done < 3; });
        QCOMPARE(result.status, Status::Cancelled);
        QVERIFY(!QFileInfo::exists(png.directory)); // the job made the folder, and took it away again

        QVERIFY(QDir().mkpath(png.directory));
        QCOMPARE(job.run([](int done, int) { return done < 3; }).status, Status::Cancelled);
        QVERIFY(entries(png.directory).isEmpty());
    }

    void stepsOutsideTheWalkThroughAreRefused()
    {
        ExportSettings range = settings(QStringLiteral("outside"));
        range.steps = Steps::Range;
        range.firstStep = 3;
        range.lastStep = 9;
        const ExportJob job(range, m_frame);
        QVERIFY2(job.problem().contains(QStringLiteral("steps 0–4")), qPrintable(job.problem()));
        QCOMPARE(job.run().status, Status::Failed);
        QVERIFY(!QFileInfo::exists(range.directory));
    }

    void windowLayoutCarriesTheDemonstrationBanner()
    {
        LessonFactory lessons;
        lessons.loadModel(AssetLocator::defaultModelDir());
        Frame stale = m_frame;
        stale.lesson = lessons.staleCache(QStringLiteral("I"), QStringLiteral("the cat"), kv::GenerationSettings{});
        ExportSettings window = settings(QStringLiteral("banner"), Format::Svg);
        window.view = ExportView::Window;
        window.steps = Steps::Current;
        const ExportJob::Result result = run(window, stale);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QString error;
        const QStringList texts = svgTexts(result.files.first(), error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(!texts.filter(QStringLiteral("Demonstration")).isEmpty());
        QVERIFY(!texts.filter(QStringLiteral("stale")).isEmpty());
    }

    void captionLineKeepsToOneLine()
    {
        const Frame frame = at(3, Phase::NextToken);
        QFont font;
        font.setPixelSize(21);
        const QString wide = PageDiagram::captionLine(frame, font, 5000);
        const QString narrow = PageDiagram::captionLine(frame, font, 500);
        QVERIFY(wide.contains(QStringLiteral("“car”")));
        QVERIFY(!wide.contains(QLatin1Char('<')));
        QVERIFY(QFontMetricsF(font).horizontalAdvance(narrow) <= 500);
        QVERIFY(PageDiagram::captionTitle(frame).contains(QStringLiteral("layer 0, head 0")));
    }

    void clipboardCarriesAnImageAndSvg()
    {
        const std::unique_ptr<QMimeData> data = frameMimeData(at(3, Phase::Scores));
        QVERIFY(data->hasImage());
        QCOMPARE(qvariant_cast<QImage>(data->imageData()).size(), QSize(1920, 1080));
        const QByteArray svg = data->data(QStringLiteral("image/svg+xml"));
        QVERIFY(svg.contains("<svg"));
        QVERIFY(svg.contains("beautiful"));
        copyFrameToClipboard(at(3, Phase::Scores), ExportView::Cached);
        const QMimeData* pasted = QGuiApplication::clipboard()->mimeData();
        QVERIFY(pasted && pasted->hasImage() && pasted->hasFormat(QStringLiteral("image/svg+xml")));
    }

    void dialogOffersTheChoicesAndNamesTheFiles()
    {
        ExportDialog dialog(at(2, Phase::Softmax));
        QCOMPARE(dialog.settings().steps, Steps::Current);
        ExportSettings chosen = settings(QStringLiteral("dialog"), Format::Pdf);
        chosen.steps = Steps::Range;
        chosen.firstStep = 1;
        chosen.lastStep = 3;
        chosen.perPhase = true;
        chosen.view = ExportView::Window;
        chosen.theme = ExportSettings::ThemeChoice::Screen;
        chosen.caption = false;
        dialog.setSettings(chosen);
        const ExportSettings back = dialog.settings();
        QCOMPARE(back.directory, chosen.directory);
        QCOMPARE(back.view, ExportView::Window);
        QCOMPARE(back.format, Format::Pdf);
        QCOMPARE(back.firstStep, 1);
        QCOMPARE(back.lastStep, 3);
        QVERIFY(back.perPhase);
        QCOMPARE(back.theme, ExportSettings::ThemeChoice::Screen);
        QVERIFY(!back.caption);
        QVERIFY2(dialog.summary().contains(QStringLiteral("Writes 1 file: walkthrough.pdf (21 pages)")), qPrintable(dialog.summary()));
        const ExportJob::Result result = ExportDialog::runWithProgress(ExportJob(back, m_frame), &dialog);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(pdfPageCount(result.files.first()), 21);
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
