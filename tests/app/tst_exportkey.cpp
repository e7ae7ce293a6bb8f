#include "app/window/AssetLocator.h"
#include "app/cli/CliOptions.h"
#include "app/export/ExportDialog.h"
#include "app/export/ExportJob.h"
#include "views/diagrams/LegendDiagram.h"
#include "app/window/LessonFactory.h"
#include "app/window/MainWindow.h"

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QMenuBar>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QXmlStreamReader>
#include <QtTest>

using namespace kvlab;
using Format = ExportSettings::Format;
using Steps = ExportSettings::Steps;

namespace {

QString svgText(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QXmlStreamReader xml(&file);
    QStringList texts;
    while (!xml.atEnd())
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == QLatin1String("text"))
            texts << xml.readElementText(QXmlStreamReader::IncludeChildElements);
    return texts.join(QLatin1Char('\n'));
}

QString pdfText(const QString& path)
{
    QProcess process;
    process.start(QStandardPaths::findExecutable(QStringLiteral("pdftotext")), {path, QStringLiteral("-")});
    process.waitForFinished(30000);
    return QString::fromUtf8(process.readAllStandardOutput());
}

} // namespace

// Item 12: exported pages carry their colour key (the legend) and the token
// strip unless the user leaves them out; the window says where files went.
class TestExportKey : public QObject {
    Q_OBJECT

private:
    Frame m_frame;
    QTemporaryDir m_root;

    ExportSettings settings(const QString& name, ExportView view, Format format) const
    {
        ExportSettings settings;
        settings.directory = m_root.filePath(name);
        settings.view = view;
        settings.format = format;
        settings.steps = Steps::Range;
        settings.firstStep = settings.lastStep = 3;
        settings.caption = false; // the caption quotes the narration, which names tokens too
        return settings;
    }

    // The words the strip ("beautiful", "pos 3") and the legend (its first state) put on a page.
    static QString stripWord() { return QStringLiteral("pos 3"); }
    QString legendWord() const { return LegendDiagram::entries(m_frame).front().label; }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("KV Cache Lab Tests"));
        QVERIFY(m_root.isValid());
        LessonFactory lessons;
        lessons.loadModel(AssetLocator::defaultModelDir());
        m_frame.lesson = lessons.normal(QStringLiteral("I"), kv::GenerationSettings{});
        m_frame.theme = Theme::light();
    }

    void pagesCarryTheStripAndTheLegend_data()
    {
        QTest::addColumn<ExportView>("view");
        QTest::addColumn<bool>("legend");
        QTest::addColumn<bool>("strip");
        QTest::newRow("both panes") << ExportView::Both << true << true;
        QTest::newRow("uncached pane") << ExportView::Uncached << true << true;
        QTest::newRow("cached pane") << ExportView::Cached << true << true;
        QTest::newRow("strip") << ExportView::Strip << true << true;
        QTest::newRow("window") << ExportView::Window << true << true;
        QTest::newRow("cost chart") << ExportView::CostChart << false << true; // its own legend keys the bars
    }
    void pagesCarryTheStripAndTheLegend()
    {
        QFETCH(ExportView, view);
        QFETCH(bool, legend);
        QFETCH(bool, strip);
        const QString id = exportViewId(view);
        for (Format format : {Format::Svg, Format::Pdf}) {
            const ExportSettings with = settings(id + QStringLiteral("-key-") + ExportSettings::formatId(format), view, format);
            const ExportJob::Result result = ExportJob(with, m_frame).run();
            QVERIFY2(result.ok(), qPrintable(result.error));
            const QString text = format == Format::Svg ? svgText(result.files.front()) : pdfText(result.files.front());
            QCOMPARE(text.contains(legendWord()), legend);
            QCOMPARE(text.contains(stripWord()), strip);

            if (view == ExportView::Window)
                continue; // the window layout's own strip and legend are the window's
            ExportSettings without = settings(id + QStringLiteral("-bare-") + ExportSettings::formatId(format), view, format);
            without.legend = false;
            without.strip = false;
            const ExportJob::Result bare = ExportJob(without, m_frame).run();
            QVERIFY(bare.ok());
            const QString bareText = format == Format::Svg ? svgText(bare.files.front()) : pdfText(bare.files.front());
            QVERIFY(!bareText.contains(legendWord()));
            QCOMPARE(bareText.contains(stripWord()), view == ExportView::Strip);
        }
    }

    void pngPagesDifferByTheirKey()
    {
        const ExportSettings with = settings(QStringLiteral("png-key"), ExportView::Both, Format::Png);
        ExportSettings without = settings(QStringLiteral("png-bare"), ExportView::Both, Format::Png);
        without.strip = without.legend = false;
        const QImage keyed(ExportJob(with, m_frame).run().files.front());
        const QImage bare(ExportJob(without, m_frame).run().files.front());
        QCOMPARE(keyed.size(), bare.size());
        // The legend's value gradient runs from the print theme's negative colour: in the keyed page only.
        const QColor negative = Theme::print().negative;
        const auto hasNear = [&](const QImage& image) {
            for (int y = image.height() * 3 / 4; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x) {
                    const QColor c = image.pixelColor(x, y);
                    if (std::abs(c.red() - negative.red()) + std::abs(c.green() - negative.green())
                            + std::abs(c.blue() - negative.blue()) < 12)
                        return true;
                }
            return false;
        };
        QVERIFY(hasNear(keyed));
        QVERIFY(keyed != bare);
    }

    void commandLineLeavesThemOut()
    {
        const QString keyed = m_root.filePath(QStringLiteral("cli-key"));
        const QString bare = m_root.filePath(QStringLiteral("cli-bare"));
        QProcess process;
        process.start(QStringLiteral(KVLAB_BINARY),
                      {"--export", keyed, "--format", "svg", "--steps", "3", "--no-caption"});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        process.start(QStringLiteral(KVLAB_BINARY),
                      {"--export", bare, "--format", "svg", "--steps", "3", "--no-caption", "--no-strip", "--no-legend"});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        const QString keyedText = svgText(QDir(keyed).filePath(QStringLiteral("step-03.svg")));
        const QString bareText = svgText(QDir(bare).filePath(QStringLiteral("step-03.svg")));
        QVERIFY(keyedText.contains(legendWord()) && keyedText.contains(stripWord()));
        QVERIFY(!bareText.contains(legendWord()) && !bareText.contains(stripWord()));
    }

    void dialogOffersAndRemembersTheChoice()
    {
        ExportDialog dialog(m_frame);
        QList<QCheckBox*> boxes;
        for (QCheckBox* box : dialog.findChildren<QCheckBox*>())
            if (box->text().contains(QStringLiteral("st&rip")) || box->text().contains(QStringLiteral("&Legend")))
                boxes << box;
        QCOMPARE(boxes.size(), 2);
        for (QCheckBox* box : boxes)
            QVERIFY(box->isChecked());
        for (QCheckBox* box : boxes)
            QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(4, box->height() / 2));
        QVERIFY(!dialog.settings().strip);
        QVERIFY(!dialog.settings().legend);
    }

    // The window's File ▸ Export… ends with a status line naming the folder.
    void windowSaysWhereTheFilesWent()
    {
        const QString target = m_root.filePath(QStringLiteral("from-window"));
        QSettings().setValue(QStringLiteral("export/directory"), target);
        MainWindow window(*CliOptions::parse({QStringLiteral("kvcache-lab")}).options);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QAction* exportAction = nullptr;
        for (QAction* menu : window.menuBar()->actions())
            if (menu->menu())
                for (QAction* action : menu->menu()->actions())
                    if (action->text().startsWith(QStringLiteral("&Export")))
                        exportAction = action;
        QVERIFY(exportAction);
        bool accepted = false;
        QTimer::singleShot(0, [&] {
            auto* dialog = qobject_cast<ExportDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            QCOMPARE(dialog->settings().directory, target);
            dialog->accept();
            accepted = true;
        });
        exportAction->trigger();
        QVERIFY(accepted);
        const QString message = window.statusBar()->currentMessage();
        QVERIFY2(message.contains(QDir::toNativeSeparators(target)), qPrintable(message));
        QVERIFY(!QDir(target).entryList(QDir::Files).isEmpty());
    }
};

QTEST_MAIN(TestExportKey)
#include "tst_exportkey.moc"
