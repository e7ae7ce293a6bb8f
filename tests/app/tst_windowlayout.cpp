// The panes as the real window lays them out, in every arrangement, at every
// size from a 1024x768 screen with the docks open to 3840x2160: no text box
// over a matrix or another text, nothing outside its pane, every stats line
// wrapped within its box, the charts' axis titles within their axes; the
// presentation's cells large enough for a lecture hall; a window that fits a
// 1024x768 screen with every dock open.
#include "app/cli/CliOptions.h"
#include "app/window/AnalysisDocks.h"
#include "app/window/MainWindow.h"
#include "views/charts/ChartsPanel.h"
#include "views/diagrams/AttentionDiagram.h"
#include "views/diagrams/DiagramWidget.h"
#include "views/diagrams/LegendDiagram.h"
#include "views/playback/PlaybackController.h"
#include "views/style/Typography.h"
#include "tests/support/FreshSettings.h"
#include "tests/support/AxisTitleCheck.h"

#include <QAction>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

using namespace kvlab;
using kv::DecodeMode;

namespace {

std::unique_ptr<MainWindow> openWindow(const QStringList& arguments)
{
    // As the window runner opens it: shown, then presenting, then at the step asked for.
    const CliOptions options = *CliOptions::parse(QStringList{QStringLiteral("kvcache-lab")} + arguments).options;
    auto window = std::make_unique<MainWindow>(options);
    window->controller()->setReducedMotion(true);
    window->show();
    if (options.presentation)
        window->setPresentation(true);
    window->openAt(options.startStep, options.startPhase);
    return window;
}

void openDocks(MainWindow& window)
{
    if (!window.samplingToggle()->isChecked())
        window.samplingToggle()->trigger();
    for (QAction* toggle : window.docks()->toggleActions())
        if (!toggle->isChecked())
            toggle->trigger();
}

double overlapArea(const QRectF& a, const QRectF& b)
{
    const QRectF both = a.intersected(b);
    return both.isValid() ? both.width() * both.height() : 0.0;
}

// The layout of a pane as the widget paints it.
AttentionDiagram::Layout paneLayout(const DiagramWidget& pane)
{
    const auto& diagram = dynamic_cast<const AttentionDiagram&>(pane.diagram());
    return diagram.layout(pane.contentRect(), pane.frame());
}

// Every stats line's text, wrapped as painted, inside its own box: no line
// runs past the pane's edge or below its box (they were cut at 280 px wide).
void checkStats(const AttentionDiagram::Layout& layout, const QString& where)
{
    for (const AttentionDiagram::TextBox& box : layout.stats) {
        const QRectF text = QFontMetricsF(pixelFont(box.px, box.bold)).boundingRect(box.rect, box.flags, box.text);
        QVERIFY2(box.rect.adjusted(-0.5, -0.5, 0.5, 0.5).contains(text),
                 qPrintable(QStringLiteral("%1: \"%2\" needs %3x%4 px, its box is %5x%6")
                                .arg(where, box.text).arg(text.width()).arg(text.height())
                                .arg(box.rect.width()).arg(box.rect.height())));
    }
}

// Every box of the pane inside it, and none over another: a text over a
// matrix (a stats line over a grid, a title over labels) fails.
void checkPane(const DiagramWidget& pane, const QString& where)
{
    const auto layout = paneLayout(pane);
    checkStats(layout, where);
    const auto boxes = layout.boxes();
    const QRectF inside = pane.contentRect().adjusted(-0.5, -0.5, 0.5, 0.5);
    for (std::size_t i = 0; i < boxes.size(); ++i) {
        QVERIFY2(inside.contains(boxes[i].second),
                 qPrintable(QStringLiteral("%1: %2 leaves the pane").arg(where, boxes[i].first)));
        for (std::size_t j = i + 1; j < boxes.size(); ++j)
            QVERIFY2(overlapArea(boxes[i].second, boxes[j].second) < 1.0,
                     qPrintable(QStringLiteral("%1: %2 overlaps %3").arg(where, boxes[i].first, boxes[j].first)));
    }
}

double scoreCell(const DiagramWidget& pane)
{
    return paneLayout(pane).place(MatrixSpec::Role::Scores).cellW;
}

} // namespace

class TestWindowLayout : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        kvtest::startWithFreshSettings();
    }

    void noTextOverAMatrixInAnyArrangement_data()
    {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<QString>("size");
        QTest::addColumn<bool>("docks");
        for (const char* layout : {"side", "stacked", "uncached", "cached"})
            for (const char* size : {"1024x768", "1600x960", "1920x1080", "3840x2160"})
                for (bool docks : {false, true})
                    QTest::newRow(qPrintable(QStringLiteral("%1 %2%3").arg(layout, size, docks ? " all docks" : "")))
                        << QString(layout) << QString(size) << docks;
    }

    void noTextOverAMatrixInAnyArrangement()
    {
        QFETCH(QString, layout);
        QFETCH(QString, size);
        QFETCH(bool, docks);
        auto window = openWindow({QStringLiteral("--size"), size, QStringLiteral("--layout"), layout,
                                  QStringLiteral("--step"), QStringLiteral("3"), QStringLiteral("--phase"),
                                  QStringLiteral("4")});
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        if (docks) // else the docks a first start shows: the charts
            openDocks(*window);
        QTest::qWait(20);
        for (DecodeMode mode : {DecodeMode::Uncached, DecodeMode::Cached}) {
            const DiagramWidget& pane = *window->pane(mode);
            if (!pane.isVisible())
                continue;
            const QString where = QStringLiteral("%1 %2 %3").arg(layout, size, mode == DecodeMode::Cached ? "cached" : "uncached");
            checkPane(pane, where);
            qInfo("%s: pane %dx%d, scores' cells %.1f px", qPrintable(where), pane.width(), pane.height(), scoreCell(pane));
        }
        // The legend under the panes in type a class can read (it was 6 px at 1024 wide).
        for (const DiagramWidget* widget : window->findChildren<DiagramWidget*>())
            if (dynamic_cast<const LegendDiagram*>(&widget->diagram())) {
                const auto fit = LegendDiagram::fit(widget->contentRect(), widget->frame());
                QVERIFY2(fit.scale * LegendDiagram::kTypePx >= kLegendPx,
                         qPrintable(QStringLiteral("%1 %2: legend type %3 px").arg(layout, size).arg(fit.scale * LegendDiagram::kTypePx)));
            }
        // The chart on show in the charts dock: its axis titles within their axes.
        ChartsPanel* charts = window->docks()->charts();
        for (QCustomPlot* plot : charts->currentWidget()->findChildren<QCustomPlot*>()) {
            plot->replot(QCustomPlot::rpImmediateRefresh);
            const QString clipped = kvtest::clippedAxisTitle(*plot);
            QVERIFY2(clipped.isEmpty(), qPrintable(QStringLiteral("%1 %2 charts: %3").arg(layout, size, clipped)));
        }
    }

    // The default walk-through presented at 1920x1080: cells a lecture hall can read.
    void presentationCellsAreLarge_data()
    {
        QTest::addColumn<int>("step");
        QTest::addColumn<int>("phase");
        for (int step : {1, 3})
            for (int phase : {2, 4, 5, 7})
                QTest::newRow(qPrintable(QStringLiteral("step %1 phase %2").arg(step).arg(phase))) << step << phase;
    }

    void presentationCellsAreLarge()
    {
        QFETCH(int, step);
        QFETCH(int, phase);
        auto window = openWindow({QStringLiteral("--present"), QStringLiteral("--size"), QStringLiteral("1920x1080"),
                                  QStringLiteral("--step"), QString::number(step), QStringLiteral("--phase"),
                                  QString::number(phase)});
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QTest::qWait(20);
        QVERIFY(window->presenting());
        for (DecodeMode mode : {DecodeMode::Uncached, DecodeMode::Cached}) {
            const DiagramWidget& pane = *window->pane(mode);
            const auto layout = paneLayout(pane);
            QCOMPARE(layout.detail, Detail::Cells);
            const MatrixPlacement& scores = layout.place(MatrixSpec::Role::Scores);
            double smallestNumber = 1e9;
            for (const MatrixSpec& spec : layout.matrices)
                smallestNumber = std::min(smallestNumber, numberPixelSize(spec, layout.place(spec.role), pane.frame().theme));
            qInfo("presenting step %d phase %d %s: pane %dx%d, cells %.1f x %.1f px, numbers %.1f px", step, phase,
                  mode == DecodeMode::Cached ? "cached" : "uncached", pane.width(), pane.height(), scores.cellW,
                  scores.cellH, smallestNumber);
            QVERIFY2(scores.cellW >= kPresentationCellPx, qPrintable(QString::number(scores.cellW)));
            QVERIFY2(smallestNumber >= kPresentationNumberPx, qPrintable(QString::number(smallestNumber)));
            checkPane(pane, QStringLiteral("presentation"));
        }
    }

    // The window fits a 1024x768 screen with the docks a first start shows (the
    // charts), and with every dock open (docks too tall for it scroll): its
    // minimum height leaves room for a title bar.
    void windowFitsA1024Screen()
    {
        auto window = openWindow({QStringLiteral("--size"), QStringLiteral("1024x768")});
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QTest::qWait(20);
        qInfo("first start: window %dx%d, minimum %dx%d", window->width(), window->height(),
              window->minimumSizeHint().width(), window->minimumSizeHint().height());
        QVERIFY2(window->minimumSizeHint().width() <= 1024, qPrintable(QString::number(window->minimumSizeHint().width())));
        QVERIFY2(window->minimumSizeHint().height() <= 768, qPrintable(QString::number(window->minimumSizeHint().height())));
        QCOMPARE(window->size(), QSize(1024, 768));
        openDocks(*window);
        QTest::qWait(20);
        qInfo("every dock: window %dx%d, minimum %dx%d", window->width(), window->height(),
              window->minimumSizeHint().width(), window->minimumSizeHint().height());
        QVERIFY2(window->minimumSizeHint().width() <= 1024, qPrintable(QString::number(window->minimumSizeHint().width())));
        QVERIFY2(window->minimumSizeHint().height() <= kMostWindowHeight,
                 qPrintable(QString::number(window->minimumSizeHint().height())));
        QCOMPARE(window->size(), QSize(1024, 768));
    }

    // --docks opens the docks named, as the View menu does.
    void docksOpenFromTheCommandLine()
    {
        auto window = openWindow({QStringLiteral("--size"), QStringLiteral("1024x768"), QStringLiteral("--docks"),
                                  QStringLiteral("sampling,cache")});
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QVERIFY(window->samplingToggle()->isChecked());
        QVERIFY(window->docks()->wholeCacheDock()->isVisible());
        QVERIFY(!window->docks()->allHeadsDock()->isVisible());
        auto all = openWindow({QStringLiteral("--docks"), QStringLiteral("all")});
        for (QAction* toggle : all->docks()->toggleActions())
            QVERIFY2(toggle->isChecked(), qPrintable(toggle->text()));
    }

private:
    // What issue 10 asks of the default walk-through presented at 1920x1080: cells of
    // at least 40 px, their numbers whole inside the state borders (16 px square
    // cells before the layout solver; 38 x 24 px with numbers over the borders before this).
    static constexpr double kPresentationCellPx = 40.0;
    static constexpr double kPresentationNumberPx = 12.0;
    static constexpr double kLegendPx = 10.0;
    // A 768-px screen less a title bar.
    static constexpr int kMostWindowHeight = 740;
};

QTEST_MAIN(TestWindowLayout)
#include "tst_windowlayout.moc"
