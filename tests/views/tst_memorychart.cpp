// The memory calculator's charts: no line runs through their labels (issue
// 11: the "2,048 tokens" label was struck through by the GPU line).
#include "views/memory/MemoryCalculatorPanel.h"
#include "views/memory/MemoryChart.h"
#include "tests/support/TestModels.h"

#include <QtTest>

#include <qcustomplot.h>

using namespace kvlab;

namespace {

// Does the horizontal `line`, `width` pixels thick, cross `box`?
bool crosses(const QLineF& line, double width, const QRectF& box)
{
    const double y = line.y1();
    const bool across = y + width / 2 >= box.top() && y - width / 2 <= box.bottom();
    return across && std::max(line.x1(), line.x2()) >= box.left() && std::min(line.x1(), line.x2()) <= box.right();
}

} // namespace

class TestMemoryChart : public QObject {
    Q_OBJECT

private slots:
    void theGpuLineMissesTheLabels_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("context");
        QTest::addColumn<int>("batch");
        QTest::addColumn<QString>("gpu");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("presenting");
        // The Claims menu's OPT-13B case, where "2,048 tokens" was struck through.
        for (QSize size : {QSize(460, 900), QSize(800, 900), QSize(1200, 800)})
            QTest::addRow("OPT-13B claim %dx%d", size.width(), size.height())
                << "OPT-13B" << 2048 << 7 << "A100-40GB" << size << false;
        QTest::newRow("OPT-13B claim presenting") << "OPT-13B" << 2048 << 7 << "A100-40GB" << QSize(1920, 1080) << true;
        for (const char* gpu : {"A100-40GB", "A100-80GB", "H100-80GB", "RTX-4090-24GB"})
            for (int context : {1024, 2048, 4096})
                for (int batch : {1, 7, 32})
                    QTest::addRow("Llama-2-7B %s %d x %d", gpu, context, batch)
                        << "Llama-2-7B" << context << batch << gpu << QSize(460, 900) << false;
    }

    void theGpuLineMissesTheLabels()
    {
        QFETCH(QString, preset);
        QFETCH(int, context);
        QFETCH(int, batch);
        QFETCH(QString, gpu);
        QFETCH(QSize, size);
        QFETCH(bool, presenting);
        MemoryCalculatorPanel panel;
        panel.setTheme(presenting ? Theme::light().presenting() : Theme::light());
        QVERIFY(panel.showPreset(preset, context, batch, QStringLiteral("fp16"), gpu));
        panel.resize(size);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const QString directory = qEnvironmentVariable("KVLAB_PANEL_PNG_DIR");
        if (!directory.isEmpty())
            panel.grab().save(QStringLiteral("%1/memorychart-%2-%3-%4.png").arg(directory, gpu).arg(context).arg(size.width()));
        for (MemoryChart* chart : {panel.contextChart(), panel.batchChart()}) {
            chart->plot()->replot(QCustomPlot::rpImmediateRefresh);
            const QRectF marker = chart->markerLabelRect();
            QVERIFY(!marker.isEmpty());
            QVERIFY(QRectF(chart->plot()->axisRect()->rect()).contains(marker));
            if (chart->budgetText().isEmpty())
                continue;
            QVERIFY(!chart->budgetLabelRect().intersects(marker));
            if (!chart->budgetShown())
                continue;
            const QLineF line = chart->budgetLinePixels();
            // Its text, inside the 5 px of padding above and below it.
            QVERIFY2(!crosses(line, 2.5, chart->budgetLabelRect().adjusted(0, 5, 0, -5)),
                     qPrintable(QStringLiteral("the GPU line at y=%1 crosses its own label (%2..%3)")
                                    .arg(line.y1()).arg(chart->budgetLabelRect().top()).arg(chart->budgetLabelRect().bottom())));
            QVERIFY2(!crosses(line, 2.5, marker),
                     qPrintable(QStringLiteral("the GPU line at y=%1 crosses \"%2\" (%3..%4)")
                                    .arg(line.y1()).arg(chart->markerText()).arg(marker.top()).arg(marker.bottom())));
        }
    }
};

QTEST_MAIN(TestMemoryChart)
#include "tst_memorychart.moc"
