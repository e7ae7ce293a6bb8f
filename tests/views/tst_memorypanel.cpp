#include "views/memory/GpuSplitBar.h"
#include "core/cache/KVCache.h"
#include "views/memory/MemoryCalculatorPanel.h"
#include "views/memory/MemoryChart.h"
#include "views/memory/MemoryFigures.h"
#include "views/memory/MemoryInputs.h"
#include "tests/support/TestModels.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QtTest>

#include <qcustomplot.h>

#include <set>

using namespace kvlab;

Q_DECLARE_METATYPE(kv::ModelConfig)

// Every expected figure is worked out by hand in the test that checks it:
// bytes = 2 (K and V) x bytes/element x layers x kv_heads x head_dim x tokens x batch.
// 1 GB = 10^9 B, as the GPUs are named.
class TestMemoryPanel : public QObject {
    Q_OBJECT

private:
    template <typename Widget>
    static Widget* input(const MemoryCalculatorPanel& panel, const char* name)
    {
        auto* widget = panel.findChild<Widget*>(QString::fromLatin1(name));
        if (!widget)
            qFatal("no input named %s", name);
        return widget;
    }

    // Picks a combo box item by its data ("Llama-3-70B", "fp16", "A100-40GB") as a user would.
    static void choose(const MemoryCalculatorPanel& panel, const char* box, const QString& data)
    {
        auto* combo = input<QComboBox>(panel, box);
        const int index = combo->findData(data);
        QVERIFY2(index >= 0, qPrintable(data));
        combo->setCurrentIndex(index);
    }

    // Types a number into a spin box: select all, type, Enter.
    static void type(const MemoryCalculatorPanel& panel, const char* box, int value)
    {
        auto* spin = input<QSpinBox>(panel, box);
        spin->setFocus();
        QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(spin, QString::number(value));
        QTest::keyClick(spin, Qt::Key_Enter);
        QCOMPARE(spin->value(), value);
    }

    static void shown(MemoryCalculatorPanel& panel, QSize size = {1200, 800})
    {
        panel.resize(size);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
    }

    static int distinctColours(const QImage& image)
    {
        std::set<QRgb> colours;
        for (int y = 0; y < image.height(); y += 3)
            for (int x = 0; x < image.width(); x += 3)
                colours.insert(image.pixel(x, y));
        return static_cast<int>(colours.size());
    }

private slots:
    void llama2PerTokenFromTheWidgets_data()
    {
        QTest::addColumn<QString>("dtype");
        QTest::addColumn<qint64>("perToken");
        // 2 x bytes x 32 layers x 32 KV heads x 128 head_dim = bytes x 262,144
        QTest::newRow("fp32: 4 B") << "fp32" << 1048576LL;
        QTest::newRow("fp16: 2 B") << "fp16" << 524288LL;
        QTest::newRow("bf16: 2 B") << "bf16" << 524288LL;
        QTest::newRow("fp8: 1 B") << "fp8" << 262144LL;
        QTest::newRow("int8: 1 B") << "int8" << 262144LL;
        QTest::newRow("int4: 0.5 B") << "int4" << 131072LL;
    }

    void llama2PerTokenFromTheWidgets()
    {
        QFETCH(QString, dtype);
        QFETCH(qint64, perToken);
        MemoryCalculatorPanel panel;
        shown(panel);
        choose(panel, "preset", "Llama-2-7B");
        choose(panel, "dtype", dtype);
        type(panel, "context", 4096);
        type(panel, "batch", 1);
        QCOMPARE(panel.bytesPerToken(), perToken);
        QCOMPARE(panel.totalBytes(), perToken * 4096);
        QVERIFY(panel.errorText().isEmpty());
        QVERIFY2(panel.formulaText().contains(QStringLiteral("32 layers × 32 KV heads × 128 head_dim × 4096 tokens × 1 batch")),
                 qPrintable(panel.formulaText()));
    }

    void llama3SeventyBWithAndWithoutGqa()
    {
        MemoryCalculatorPanel panel;
        shown(panel);
        choose(panel, "preset", "Llama-3-70B");
        choose(panel, "dtype", "fp16");
        type(panel, "context", 4096);
        // 2 x 2 B x 80 layers x 8 KV heads x 128 = 327,680 B; x 4096 tokens
        QCOMPARE(panel.bytesPerToken(), 327680LL);
        QCOMPARE(panel.totalBytes(), 1342177280LL);
        QVERIFY2(panel.formulaText().endsWith(QStringLiteral("= 1,342,177,280 B")), qPrintable(panel.formulaText()));
        // Without GQA: one K/V head per query head, 2 x 2 B x 80 x 64 x 128.
        type(panel, "kvHeadsOverride", 64);
        QCOMPARE(panel.bytesPerToken(), 2621440LL);
        QCOMPARE(panel.totalBytes(), 2621440LL * 4096);
        QVERIFY(panel.notes().join(' ').contains(QStringLiteral("what if: 64 KV heads")));
        // The Claims menu's way in gives the same figures.
        QVERIFY(panel.showPreset(QStringLiteral("Llama-3-70B"), 4096, 1, QStringLiteral("fp16"), QString(), 64));
        QCOMPARE(panel.bytesPerToken(), 2621440LL);
        QVERIFY(panel.showPreset(QStringLiteral("llama-3-70b"), 4096, 1, QStringLiteral("FP16"), QStringLiteral("none")));
        QCOMPARE(panel.totalBytes(), 1342177280LL);
        QCOMPARE(input<QSpinBox>(panel, "kvHeadsOverride")->value(), 0);
    }

    void opt13bOnAnA100SplitsLikeTheClaim()
    {
        MemoryCalculatorPanel panel;
        QVERIFY(panel.showPreset(QStringLiteral("OPT-13B"), 2048, 7, QStringLiteral("fp16"), QStringLiteral("A100 40 GB")));
        QCOMPARE(input<QComboBox>(panel, "gpu")->currentData().toString(), QStringLiteral("A100-40GB"));
        const MemoryReport& report = *panel.report();
        // Weights: 13e9 parameters x 2 B. Cache: 2 x 2 B x 40 x 40 x 128 = 819,200 B/token, x 2048 x 7.
        QCOMPARE(report.split->weightsBytes, 26'000'000'000LL);
        QCOMPARE(report.split->cacheBytes, 11'744'051'200LL);
        QCOMPARE(report.split->leftBytes, 40'000'000'000LL - 26'000'000'000LL - 11'744'051'200LL);
        QCOMPARE(report.split->weightsShare(), 0.65);
        QVERIFY(qAbs(report.split->cacheShare() - 0.2936) < 0.0001);
        // 14e9 B left after the weights / (819,200 B x 7 sequences) = 2441.4 tokens per sequence.
        QCOMPARE(*report.tokensThatFit, 2441LL);
        QVERIFY(!panel.figures()->leftShownAsBad());
        QVERIFY(panel.figures()->findChild<GpuSplitBar*>()->isVisibleTo(&panel));
        QVERIFY(panel.findChild<QLabel*>(QStringLiteral("tokensThatFit"))->text().startsWith(QStringLiteral("2,441 per sequence at batch 7")));
        // The budget line sits at the 14 GB left, in both charts.
        for (MemoryChart* chart : {panel.contextChart(), panel.batchChart()}) {
            QVERIFY(chart->budgetShown());
            QCOMPARE(chart->budgetValue() * chart->unitBytes(), 14e9);
        }
    }

    void whatDoesNotFitIsRed()
    {
        MemoryCalculatorPanel panel;
        QVERIFY(panel.showPreset(QStringLiteral("Llama-3-70B"), 4096, 1, QStringLiteral("fp16"), QStringLiteral("RTX 4090 24 GB")));
        const MemoryReport& report = *panel.report();
        // 70.6e9 parameters x 2 B = 141.2 GB of weights on a 24 GB card.
        QCOMPARE(report.split->weightsBytes, 141'200'000'000LL);
        QCOMPARE(report.split->leftBytes, 24'000'000'000LL - 141'200'000'000LL - 1'342'177'280LL);
        QCOMPARE(*report.tokensThatFit, 0LL);
        QVERIFY(panel.figures()->leftShownAsBad());
        auto* left = panel.findChild<QLabel*>(QStringLiteral("left"));
        QCOMPARE(left->palette().color(QPalette::WindowText), Theme::light().bad);
        QVERIFY(left->text().contains(QStringLiteral("does not fit")));
        // No budget line below zero squashing the curves: a message instead.
        QVERIFY(!panel.contextChart()->budgetShown());
        QVERIFY2(panel.contextChart()->budgetText().contains(QStringLiteral("the weights alone overflow\nthe RTX 4090 24 GB by 117 GB")),
                 qPrintable(panel.contextChart()->budgetText()));
    }

    void liveModelEqualsTheCachesAllocatedBytes_data()
    {
        QTest::addColumn<kv::ModelConfig>("config");
        QTest::newRow("MHA, 3 layers x 4 heads, 12 positions") << kvtest::smallConfig(3, 4, 4, 12);
        QTest::newRow("GQA, 2 layers x 4 heads / 2, 12 positions") << kvtest::smallConfig(2, 4, 2, 12);
        QTest::newRow("MQA, 2 layers x 4 heads / 1, 40 positions") << kvtest::smallConfig(2, 4, 1, 40, 23, 32);
        QTest::newRow("shipped tiny-gqa") << kvtest::shippedModel("tiny-gqa").config();
    }

    void liveModelEqualsTheCachesAllocatedBytes()
    {
        QFETCH(kv::ModelConfig, config);
        MemoryCalculatorPanel panel;
        auto* presets = input<QComboBox>(panel, "preset");
        auto* items = qobject_cast<QStandardItemModel*>(presets->model());
        const int live = presets->findData(MemoryInputs::kLiveModel);
        QVERIFY(!items->item(live)->isEnabled()); // nothing loaded yet
        panel.setLiveModel(config);
        QVERIFY(items->item(live)->isEnabled());
        choose(panel, "preset", MemoryInputs::kLiveModel);
        const kv::KVCache cache = kv::KVCache::forModel(config);
        QCOMPARE(panel.totalBytes(), cache.bytes());
        QCOMPARE(input<QComboBox>(panel, "dtype")->currentData().toString(), QStringLiteral("fp32"));
        QCOMPARE(input<QSpinBox>(panel, "context")->value(), config.nPositions);
        QCOMPARE(input<QSpinBox>(panel, "batch")->value(), 1);
        QVERIFY(panel.notes().join(' ').contains(QStringLiteral("the bytes the app's own KV cache allocates")));
        // The same model again (a new lesson on it) keeps what the teacher set.
        type(panel, "batch", 3);
        panel.setLiveModel(config);
        QCOMPARE(input<QSpinBox>(panel, "batch")->value(), 3);
        QCOMPARE(panel.totalBytes(), 3 * cache.bytes());
        // A new live model while it is shown: the figure follows.
        kv::ModelConfig bigger = config;
        bigger.nLayer += 1;
        panel.setLiveModel(bigger);
        QCOMPARE(panel.totalBytes(), kv::KVCache::forModel(bigger).bytes());
    }

    void customFieldsOnlyForCustom()
    {
        MemoryCalculatorPanel panel;
        const char* fields[] = {"layers", "heads", "kvHeads", "headDim"};
        choose(panel, "preset", "Llama-2-13B");
        for (const char* field : fields)
            QVERIFY(!input<QSpinBox>(panel, field)->isEnabled());
        QVERIFY(!input<QDoubleSpinBox>(panel, "parameters")->isEnabled());
        QCOMPARE(input<QSpinBox>(panel, "layers")->value(), 40); // shows the preset's shape
        choose(panel, "gpu", "A100-80GB");
        const MemoryReport before = *panel.report();
        QCOMPARE(before.split->weightsBytes, 26'000'000'000LL); // 13e9 x 2 B

        // Custom starts from the shape on screen, so the figures stay the same.
        choose(panel, "preset", MemoryInputs::kCustom);
        for (const char* field : fields)
            QVERIFY(input<QSpinBox>(panel, field)->isEnabled());
        QVERIFY(input<QDoubleSpinBox>(panel, "parameters")->isEnabled());
        QCOMPARE(panel.totalBytes(), before.calculator.totalBytes());
        QCOMPARE(panel.report()->split->weightsBytes, before.split->weightsBytes);
        // 7e9 parameters in fp16: 14 GB of weights.
        input<QDoubleSpinBox>(panel, "parameters")->setValue(7e9);
        QCOMPARE(panel.report()->split->weightsBytes, 14'000'000'000LL);
        QCOMPARE(panel.report()->split->leftBytes, 80'000'000'000LL - 14'000'000'000LL - before.calculator.totalBytes());
    }

    void invalidCustomValueShowsTheErrorAndKeepsTheFigures()
    {
        MemoryCalculatorPanel panel;
        shown(panel);
        choose(panel, "preset", MemoryInputs::kCustom);
        choose(panel, "dtype", "fp16");
        type(panel, "layers", 10);
        type(panel, "heads", 16);
        type(panel, "kvHeads", 4);
        type(panel, "headDim", 64);
        type(panel, "context", 1000);
        // 2 x 2 B x 10 x 4 x 64 = 10,240 B per token; x 1000 tokens.
        QCOMPARE(panel.bytesPerToken(), 10240LL);
        QCOMPARE(panel.totalBytes(), 10'240'000LL);
        QVERIFY(panel.errorText().isEmpty());
        const QString formula = panel.formulaText();
        const int points = panel.contextChart()->curve(0)->dataCount();

        type(panel, "kvHeads", 3); // does not divide 16
        QVERIFY2(panel.errorText().contains(QStringLiteral("KV heads (3) must divide the query heads (16)")),
                 qPrintable(panel.errorText()));
        QVERIFY(panel.findChild<QLabel*>(QStringLiteral("error"))->isVisible());
        QCOMPARE(panel.bytesPerToken(), 10240LL);
        QCOMPARE(panel.totalBytes(), 10'240'000LL);
        QCOMPARE(panel.formulaText(), formula);
        QCOMPARE(panel.contextChart()->curve(0)->dataCount(), points);
        const QString directory = qEnvironmentVariable("KVLAB_PANEL_PNG_DIR");
        if (!directory.isEmpty())
            QVERIFY(panel.grab().save(directory + QStringLiteral("/memorypanel-error.png")));

        type(panel, "kvHeads", 8);
        QVERIFY(panel.errorText().isEmpty());
        QVERIFY(!panel.findChild<QLabel*>(QStringLiteral("error"))->isVisible());
        QCOMPARE(panel.bytesPerToken(), 20480LL);

        type(panel, "layers", 0);
        QVERIFY2(panel.errorText().contains(QStringLiteral("layers must be at least 1, got 0")), qPrintable(panel.errorText()));
        QCOMPARE(panel.bytesPerToken(), 20480LL);
        type(panel, "layers", 10);

        // A what-if that does not divide, and sizes beyond 64 bits: messages, not crashes.
        type(panel, "kvHeadsOverride", 5);
        QVERIFY(panel.errorText().contains(QStringLiteral("must divide")));
        type(panel, "kvHeadsOverride", 0);
        QVERIFY(panel.errorText().isEmpty());
        QVERIFY(panel.showPreset(QStringLiteral("GPT-3-175B"), 10'000'000, 100'000, QStringLiteral("fp32"), QString()));
        QVERIFY2(panel.errorText().contains(QStringLiteral("exceeds 64 bits")), qPrintable(panel.errorText()));
        QCOMPARE(panel.bytesPerToken(), 20480LL);
    }

    void unknownNamesAreRefusedInline()
    {
        MemoryCalculatorPanel panel;
        const qint64 before = panel.totalBytes();
        QVERIFY(!panel.showPreset(QStringLiteral("GPT-5"), 4096, 1, QStringLiteral("fp16"), QString()));
        QVERIFY(panel.errorText().contains(QStringLiteral("unknown model preset \"GPT-5\"")));
        QVERIFY(!panel.showPreset(QStringLiteral("OPT-13B"), 4096, 1, QStringLiteral("fp12"), QString()));
        QVERIFY(panel.errorText().contains(QStringLiteral("unknown dtype")));
        QVERIFY(!panel.showPreset(QStringLiteral("OPT-13B"), 4096, 1, QStringLiteral("fp16"), QStringLiteral("V100")));
        QVERIFY(panel.errorText().contains(QStringLiteral("unknown GPU")));
        QVERIFY(!panel.showPreset(MemoryInputs::kLiveModel, 16, 1, QStringLiteral("fp32"), QString()));
        QVERIFY(panel.errorText().contains(QStringLiteral("no model is loaded")));
        QCOMPARE(panel.totalBytes(), before);
        QCOMPARE(input<QComboBox>(panel, "preset")->currentData().toString(), QStringLiteral("Llama-2-7B"));
    }

    void notesShowWhenTheyApply()
    {
        MemoryCalculatorPanel panel;
        QVERIFY(panel.showPreset(QStringLiteral("DeepSeek-V3"), 4096, 1, QStringLiteral("fp16"), QString()));
        // MLA: 2 B x 61 layers x (512 + 64) latent elements.
        QCOMPARE(panel.bytesPerToken(), 70272LL);
        QVERIFY(panel.notes().join(' ').contains(QStringLiteral("MLA caches one compressed latent")));
        QVERIFY(panel.showPreset(QStringLiteral("Mistral-7B"), 8192, 1, QStringLiteral("fp16"), QString()));
        // The window keeps 4096 tokens: 2 x 2 B x 32 x 8 x 128 = 131,072 B/token, x 4096.
        QCOMPARE(panel.totalBytes(), 131072LL * 4096);
        QVERIFY(panel.notes().join(' ').contains(QStringLiteral("sliding window keeps only the last 4,096 tokens")));
        QVERIFY(panel.showPreset(QStringLiteral("Mistral-7B"), 8192, 1, QStringLiteral("fp16"), QStringLiteral("H100 80 GB")));
        QVERIFY(panel.notes().join(' ').contains(QStringLiteral("any context does")));
        QVERIFY(panel.showPreset(QStringLiteral("Llama-2-7B"), 4096, 1, QStringLiteral("fp16"), QString()));
        QVERIFY(!panel.notes().join(' ').contains(QStringLiteral("MLA")));
        QVERIFY(!panel.notes().join(' ').contains(QStringLiteral("sliding window")));
    }

    void chartsHaveThePointsAndThreeVariants()
    {
        MemoryCalculatorPanel panel;
        QVERIFY(panel.showPreset(QStringLiteral("Llama-3-70B"), 4096, 1, QStringLiteral("fp16"), QString()));
        MemoryChart* context = panel.contextChart();
        QCOMPARE(context->curveCount(), 3);
        QCOMPARE(context->plot()->graphCount(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(context->curve(i)->dataCount(), MemoryReport::kMaxPoints); // 64 points over 1..8192
            QCOMPARE(context->curve(i)->data()->at(63)->key, 8192.0);
        }
        QVERIFY(context->curve(0)->name().startsWith(QStringLiteral("GQA, Llama-3-70B's own: 8 KV heads")));
        QVERIFY(context->curve(1)->name().startsWith(QStringLiteral("MHA: 64 KV heads")));
        QVERIFY(context->curve(2)->name().startsWith(QStringLiteral("MQA: 1 KV head")));
        // Point 32 of 64 is 4096 tokens: GQA 1,342,177,280 B, MHA 8x that, MQA 1/8.
        const double unit = context->unitBytes();
        QCOMPARE(unit, 1e9);
        QCOMPARE(context->curve(0)->data()->at(31)->key, 4096.0);
        QCOMPARE(context->curve(0)->data()->at(31)->value * unit, 1342177280.0);
        QCOMPARE(context->curve(1)->data()->at(31)->value * unit, 8 * 1342177280.0);
        QCOMPARE(context->curve(2)->data()->at(31)->value * unit, 1342177280.0 / 8);
        QVERIFY(!context->budgetShown());

        // Memory vs batch at the chosen context: batches 1..16, one curve, linear in the batch.
        MemoryChart* batch = panel.batchChart();
        QCOMPARE(batch->curveCount(), 1);
        QCOMPARE(batch->curve(0)->dataCount(), 16);
        QCOMPARE(batch->curve(0)->data()->at(0)->value * batch->unitBytes(), 1342177280.0);
        QCOMPARE(batch->curve(0)->data()->at(15)->value * batch->unitBytes(), 16 * 1342177280.0);
        // A larger batch widens the span to twice the batch.
        QVERIFY(panel.showPreset(QStringLiteral("Llama-3-70B"), 4096, 20, QStringLiteral("fp16"), QString()));
        QCOMPARE(batch->curve(0)->dataCount(), 40);
        // The live model's 12 positions give 12 points, one per context.
        panel.setLiveModel(kvtest::smallConfig(2, 4, 2, 12));
        QVERIFY(panel.showPreset(MemoryInputs::kLiveModel, 12, 1, QStringLiteral("fp32"), QString()));
        QCOMPARE(context->curve(0)->dataCount(), 12);
        QCOMPARE(context->curveCount(), 3);
    }

    void rendersForTheProjector_data()
    {
        QTest::addColumn<QString>("theme");
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("gpu");
        QTest::addColumn<QSize>("size");
        QTest::newRow("light, OPT-13B on an A100") << "light" << "OPT-13B" << "A100 40 GB" << QSize(1200, 800);
        QTest::newRow("dark, Llama-3-70B on an RTX 4090") << "dark" << "Llama-3-70B" << "RTX 4090 24 GB" << QSize(1200, 800);
        QTest::newRow("presenting full screen, DeepSeek-V3") << "present" << "DeepSeek-V3" << "H100 80 GB" << QSize(1920, 1080);
        QTest::newRow("the live model, tiny-gqa") << "light" << "the live model" << "" << QSize(1200, 800);
        QTest::newRow("dock, Llama-2-70B on an A100 80 GB") << "light" << "Llama-2-70B" << "A100 80 GB" << QSize(800, 900);
        QTest::newRow("narrow dock, Mistral-7B") << "light" << "Mistral-7B" << "RTX 4090 24 GB" << QSize(460, 900);
    }

    void rendersForTheProjector()
    {
        QFETCH(QString, theme);
        QFETCH(QString, preset);
        QFETCH(QString, gpu);
        QFETCH(QSize, size);
        MemoryCalculatorPanel panel;
        panel.setTheme(theme == QLatin1String("present") ? Theme::light().presenting() : Theme::byName(theme));
        const kv::ModelConfig live = kvtest::shippedModel("tiny-gqa").config();
        panel.setLiveModel(live);
        if (preset == MemoryInputs::kLiveModel)
            QVERIFY(panel.showPreset(preset, live.nPositions, 1, QStringLiteral("fp32"), gpu));
        else
            QVERIFY(panel.showPreset(preset, preset == QLatin1String("OPT-13B") ? 2048 : 4096,
                                     preset == QLatin1String("OPT-13B") ? 7 : 1, QStringLiteral("fp16"), gpu));
        shown(panel, size);
        const QImage image = panel.grab().toImage();
        QCOMPARE(image.size(), size * image.devicePixelRatio());
        QVERIFY(distinctColours(image) > 30);
        // Nothing is squeezed below what it needs: the figures fit above the charts.
        QVERIFY(panel.figures()->height() >= panel.figures()->minimumSizeHint().height());
        QVERIFY(panel.contextChart()->height() >= 240);
        QVERIFY(panel.contextChart()->width() >= 300);
        const QString directory = qEnvironmentVariable("KVLAB_PANEL_PNG_DIR");
        if (!directory.isEmpty())
            QVERIFY(image.save(QStringLiteral("%1/memorypanel-%2-%3.png").arg(directory, theme, preset + QString::number(size.width()))));
    }
};

QTEST_MAIN(TestMemoryPanel)
#include "tst_memorypanel.moc"
