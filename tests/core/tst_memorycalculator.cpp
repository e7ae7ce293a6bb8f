#include "core/lab/CalculatorError.h"
#include "core/cache/KVCache.h"
#include "core/lab/MemoryCalculator.h"
#include "core/lab/ModelPresets.h"
#include "core/model/ModelWeights.h"
#include "tests/support/TestModels.h"

#include <QtTest>

#include <functional>

using namespace kv;

// Every figure below is worked out by hand in the row that checks it:
// bytes/token = 2 (K and V) x bytes/element x layers x kv_heads x head_dim,
// or for MLA bytes/element x layers x latent elements. 1 GB = 10^9 B.
class TestMemoryCalculator : public QObject {
    Q_OBJECT

private:
    static MemoryCalculator calculator(const QString& preset, const QString& dtype = "fp16", qint64 context = 4096,
                                       qint64 batch = 1, int kvHeads = 0)
    {
        MemorySettings settings;
        settings.dataType = parseDataType(dtype.toStdString());
        settings.context = context;
        settings.batch = batch;
        if (kvHeads != 0)
            settings.kvHeads = kvHeads;
        return MemoryCalculator(ModelPresets::get(preset.toStdString()), settings);
    }

    // The message of the CalculatorError `action` throws, or "" when it throws none.
    static QString errorOf(const std::function<void()>& action)
    {
        try {
            action();
        } catch (const CalculatorError& error) {
            return QString::fromStdString(error.what());
        }
        return {};
    }

    static ModelPreset tinyShape()
    {
        ModelPreset shape;
        shape.name = "custom";
        shape.layers = 1;
        shape.heads = 1;
        shape.kvHeads = 1;
        shape.headDim = 1;
        return shape;
    }

private slots:
    void everyPresetBytesPerTokenInFp16_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("GPT-2 small: 4 x 12 x 12 x 64") << "GPT-2-small" << 36864LL;
        QTest::newRow("GPT-3 175B: 4 x 96 x 96 x 128") << "GPT-3-175B" << 4718592LL;
        QTest::newRow("OPT-13B: 4 x 40 x 40 x 128") << "OPT-13B" << 819200LL;
        QTest::newRow("Llama-2-7B: 4 x 32 x 32 x 128") << "Llama-2-7B" << 524288LL;
        QTest::newRow("Llama-2-13B: 4 x 40 x 40 x 128") << "Llama-2-13B" << 819200LL;
        QTest::newRow("Llama-2-70B: 4 x 80 x 8 x 128") << "Llama-2-70B" << 327680LL;
        QTest::newRow("Llama-3-8B: 4 x 32 x 8 x 128") << "Llama-3-8B" << 131072LL;
        QTest::newRow("Llama-3-70B: 4 x 80 x 8 x 128") << "Llama-3-70B" << 327680LL;
        QTest::newRow("Mistral-7B: 4 x 32 x 8 x 128") << "Mistral-7B" << 131072LL;
        QTest::newRow("DeepSeek-V3 MLA: 2 x 61 x 576") << "DeepSeek-V3" << 70272LL;
    }

    void everyPresetBytesPerTokenInFp16()
    {
        QFETCH(QString, preset);
        QFETCH(qint64, expected);
        QCOMPARE(calculator(preset).bytesPerToken(), std::int64_t(expected));
    }

    void presetsAreAllThereAndFoundWhateverTheCase()
    {
        QCOMPARE(ModelPresets::names().size(), std::size_t(10));
        QCOMPARE(ModelPresets::find("llama-3-70b")->name, std::string("Llama-3-70B"));
        QCOMPARE(ModelPresets::find("LLAMA_3 70b")->name, std::string("Llama-3-70B"));
        QVERIFY(!ModelPresets::find("llama-4"));
        const QString message = errorOf([] { ModelPresets::get("llama-4"); });
        QVERIFY2(message.contains("\"llama-4\"") && message.contains("Llama-3-70B") && message.contains("DeepSeek-V3"),
                 qPrintable(message));
        QCOMPARE(GpuPreset::get("a100-40gb").bytes, std::int64_t(40'000'000'000));
        QVERIFY(errorOf([] { GpuPreset::get("TPU"); }).contains("A100-80GB"));
    }

    void dataTypes_data()
    {
        QTest::addColumn<QString>("dtype");
        QTest::addColumn<qint64>("expected");
        QTest::addColumn<QString>("perElement");
        // Llama-2-7B: 2 x 32 x 32 x 128 = 262,144 elements per token.
        QTest::newRow("fp32") << "fp32" << 1048576LL << "4 B";
        QTest::newRow("fp16") << "FP16" << 524288LL << "2 B";
        QTest::newRow("bf16") << "bf16" << 524288LL << "2 B";
        QTest::newRow("fp8") << "fp8" << 262144LL << "1 B";
        QTest::newRow("int8") << "Int8" << 262144LL << "1 B";
        QTest::newRow("int4 half bytes") << "int4" << 131072LL << "0.5 B";
    }

    void dataTypes()
    {
        QFETCH(QString, dtype);
        QFETCH(qint64, expected);
        QFETCH(QString, perElement);
        QCOMPARE(calculator("Llama-2-7B", dtype).bytesPerToken(), std::int64_t(expected));
        QCOMPARE(QString::fromStdString(bytesPerElementText(parseDataType(dtype.toStdString()))), perElement);
    }

    void unknownDataTypeListsTheKnownOnes()
    {
        const QString message = errorOf([] { parseDataType("fp64"); });
        QVERIFY2(message.contains("\"fp64\"") && message.contains("fp32, fp16, bf16, fp8, int8, int4"), qPrintable(message));
    }

    void int4HalfBytesStayExact_data()
    {
        QTest::addColumn<int>("layers");
        QTest::addColumn<qint64>("tokens");
        QTest::addColumn<qint64>("batch");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("one element of K and one of V: 2 x 0.5 B") << 1 << 1LL << 1LL << 1LL;
        QTest::newRow("3 layers, 5 tokens: 2 x 0.5 x 3 x 5") << 3 << 5LL << 1LL << 15LL;
        QTest::newRow("7 layers, 3 tokens, batch 3: 2 x 0.5 x 7 x 3 x 3") << 7 << 3LL << 3LL << 63LL;
    }

    void int4HalfBytesStayExact()
    {
        QFETCH(int, layers);
        QFETCH(qint64, tokens);
        QFETCH(qint64, batch);
        QFETCH(qint64, expected);
        ModelPreset shape = tinyShape();
        shape.layers = layers;
        const MemoryCalculator memory(shape, MemorySettings{DataType::Int4, tokens, batch, std::nullopt});
        QCOMPARE(memory.totalBytes(), std::int64_t(expected));
        QCOMPARE(memory.bytesPerToken(), std::int64_t(layers)); // 2 x 0.5 B x layers
    }

    void totals_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<qint64>("context");
        QTest::addColumn<qint64>("batch");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("Llama-3-70B, 4096 tokens: 327,680 x 4096") << "Llama-3-70B" << 4096LL << 1LL << 1342177280LL;
        QTest::newRow("Llama-2-7B, 4096 x 8: 524,288 x 32,768") << "Llama-2-7B" << 4096LL << 8LL << 17179869184LL;
        QTest::newRow("GPT-3 175B, 2048 tokens: 4,718,592 x 2048") << "GPT-3-175B" << 2048LL << 1LL << 9663676416LL;
        QTest::newRow("GPT-2 small, 1024 x 4: 36,864 x 4096") << "GPT-2-small" << 1024LL << 4LL << 150994944LL;
        QTest::newRow("DeepSeek-V3, 4096 tokens: 70,272 x 4096") << "DeepSeek-V3" << 4096LL << 1LL << 287834112LL;
    }

    void totals()
    {
        QFETCH(QString, preset);
        QFETCH(qint64, context);
        QFETCH(qint64, batch);
        QFETCH(qint64, expected);
        QCOMPARE(calculator(preset, "fp16", context, batch).totalBytes(), std::int64_t(expected));
    }

    void formulaIsFilledIn_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("dtype");
        QTest::addColumn<qint64>("context");
        QTest::addColumn<QString>("expected");
        QTest::newRow("Llama-3-70B GQA") << "Llama-3-70B" << "fp16" << 4096LL
                                         << "2 x 2 B x 80 layers x 8 KV heads x 128 head_dim x 4096 tokens x 1 batch"
                                            " = 1,342,177,280 B";
        QTest::newRow("int4 half byte") << "Llama-2-7B" << "int4" << 1LL
                                        << "2 x 0.5 B x 32 layers x 32 KV heads x 128 head_dim x 1 tokens x 1 batch"
                                           " = 131,072 B";
        QTest::newRow("Mistral window") << "Mistral-7B" << "fp16" << 8192LL
                                        << "2 x 2 B x 32 layers x 8 KV heads x 128 head_dim x 4096 tokens (sliding window)"
                                           " x 1 batch = 536,870,912 B";
        QTest::newRow("DeepSeek-V3 MLA, no factor 2")
            << "DeepSeek-V3" << "fp16" << 4096LL << "2 B x 61 layers x 576 latent elements x 4096 tokens x 1 batch = 287,834,112 B";
    }

    void formulaIsFilledIn()
    {
        QFETCH(QString, preset);
        QFETCH(QString, dtype);
        QFETCH(qint64, context);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(calculator(preset, dtype, context).formula()), expected);
    }

    void slidingWindowCapsTheTokens_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<qint64>("context");
        QTest::addColumn<qint64>("batch");
        QTest::addColumn<qint64>("cached");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("Mistral under the window: 131,072 x 1000") << "Mistral-7B" << 1000LL << 1LL << 1000LL << 131072000LL;
        QTest::newRow("Mistral at the window: 131,072 x 4096") << "Mistral-7B" << 4096LL << 1LL << 4096LL << 536870912LL;
        QTest::newRow("Mistral 8192 keeps 4096") << "Mistral-7B" << 8192LL << 1LL << 4096LL << 536870912LL;
        QTest::newRow("Mistral 32768 x 2 keeps 4096 x 2") << "Mistral-7B" << 32768LL << 2LL << 4096LL << 1073741824LL;
        QTest::newRow("Llama-3-8B, same shape, no window") << "Llama-3-8B" << 8192LL << 1LL << 8192LL << 1073741824LL;
    }

    void slidingWindowCapsTheTokens()
    {
        QFETCH(QString, preset);
        QFETCH(qint64, context);
        QFETCH(qint64, batch);
        QFETCH(qint64, cached);
        QFETCH(qint64, expected);
        const MemoryCalculator memory = calculator(preset, "fp16", context, batch);
        QCOMPARE(memory.cachedTokens(), std::int64_t(cached));
        QCOMPARE(memory.totalBytes(), std::int64_t(expected));
        QCOMPARE(memory.windowCaps(), cached < context);
    }

    void kvHeadsOverride_data()
    {
        QTest::addColumn<int>("kvHeads");
        QTest::addColumn<qint64>("expected");
        QTest::addColumn<QString>("attention");
        // Llama-3-70B: 2 x 2 B x 80 layers x K x 128 = 40,960 x K.
        QTest::newRow("without GQA: 64 KV heads, the ~2.5 MB claim") << 64 << 2621440LL << "MHA";
        QTest::newRow("16 KV heads") << 16 << 655360LL << "GQA";
        QTest::newRow("as published: 8 KV heads") << 8 << 327680LL << "GQA";
        QTest::newRow("MQA: 1 KV head") << 1 << 40960LL << "MQA";
    }

    void kvHeadsOverride()
    {
        QFETCH(int, kvHeads);
        QFETCH(qint64, expected);
        QFETCH(QString, attention);
        const MemoryCalculator memory = calculator("Llama-3-70B", "fp16", 4096, 1, kvHeads);
        QCOMPARE(memory.bytesPerToken(), std::int64_t(expected));
        QCOMPARE(QString::fromStdString(memory.model().attentionName()), attention);
    }

    void llama3ClaimHoldsOnlyWithoutGqa()
    {
        // "About 2.5 MB per token, 10.5 GB for 4k tokens": 2 x 2 B x 80 x 8192 = 2,621,440 B (2.5 MiB),
        // 10,737,418,240 B for 4096 tokens; with its 8 KV heads x 128: 320 KiB and 1.34 GB.
        const MemoryCalculator withoutGqa = calculator("Llama-3-70B", "fp16", 4096, 1, 64);
        QCOMPARE(withoutGqa.bytesPerToken(), std::int64_t(2'621'440));
        QCOMPARE(withoutGqa.bytesPerToken(), std::int64_t(2) * 2 * 80 * 8192);
        QCOMPARE(withoutGqa.totalBytes(), std::int64_t(10'737'418'240));
        const MemoryCalculator published = calculator("Llama-3-70B");
        QCOMPARE(published.bytesPerToken(), std::int64_t(320 * 1024));
        QCOMPARE(published.totalBytes(), std::int64_t(1'342'177'280));
    }

    void errorsNameTheCulprit_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("layers");
        QTest::addColumn<qint64>("context");
        QTest::addColumn<qint64>("batch");
        QTest::addColumn<int>("kvHeads");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("0 layers") << "Llama-2-7B" << 0 << 4096LL << 1LL << 0 << QStringList{"layers must be at least 1, got 0"};
        QTest::newRow("0 context") << "Llama-2-7B" << 32 << 0LL << 1LL << 0 << QStringList{"context", "got 0"};
        QTest::newRow("negative context") << "Llama-2-7B" << 32 << -5LL << 1LL << 0 << QStringList{"context", "got -5"};
        QTest::newRow("0 batch") << "Llama-2-7B" << 32 << 4096LL << 0LL << 0 << QStringList{"batch", "got 0"};
        QTest::newRow("negative batch") << "OPT-13B" << 40 << 4096LL << -2LL << 0 << QStringList{"batch", "got -2"};
        QTest::newRow("5 KV heads for 64 heads") << "Llama-3-70B" << 80 << 4096LL << 1LL << 5
                                                << QStringList{"KV heads (5)", "query heads (64)"};
        QTest::newRow("negative KV heads") << "Llama-3-70B" << 80 << 4096LL << 1LL << -8 << QStringList{"KV heads (-8)"};
        QTest::newRow("more KV heads than heads") << "Llama-2-7B" << 32 << 4096LL << 1LL << 64
                                                  << QStringList{"KV heads (64)", "query heads (32)"};
        QTest::newRow("KV heads for MLA") << "DeepSeek-V3" << 61 << 4096LL << 1LL << 8 << QStringList{"MLA", "does not apply"};
        QTest::newRow("past 64 bits") << "GPT-3-175B" << 96 << (1LL << 40) << (1LL << 20) << 0 << QStringList{"too large"};
    }

    void errorsNameTheCulprit()
    {
        QFETCH(QString, preset);
        QFETCH(int, layers);
        QFETCH(qint64, context);
        QFETCH(qint64, batch);
        QFETCH(int, kvHeads);
        QFETCH(QStringList, mentions);
        ModelPreset model = ModelPresets::get(preset.toStdString());
        model.layers = layers;
        MemorySettings settings;
        settings.context = context;
        settings.batch = batch;
        if (kvHeads != 0)
            settings.kvHeads = kvHeads;
        const QString message = errorOf([&] { MemoryCalculator(model, settings); });
        QVERIFY2(!message.isEmpty(), "no CalculatorError thrown");
        for (const QString& mention : mentions)
            QVERIFY2(message.contains(mention), qPrintable(message));
        QVERIFY_THROWS_EXCEPTION(KvError, MemoryCalculator(model, settings));
    }

    void emptySlidingWindowIsAnError()
    {
        ModelPreset model = ModelPresets::get("Mistral-7B");
        model.slidingWindow = 0;
        const QString message = errorOf([&] { MemoryCalculator(model, MemorySettings{}); });
        QVERIFY2(message.contains("sliding window must hold at least 1 token, got 0"), qPrintable(message));
    }

    void notesExplainTheFigure_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<qint64>("context");
        QTest::addColumn<QString>("mention");
        QTest::newRow("MLA is not 2 x heads x head_dim") << "DeepSeek-V3" << 4096LL << "not 2 x heads x head_dim (2 x 128 x 128 = 32768, 56.9x more)";
        QTest::newRow("MLA latent") << "DeepSeek-V3" << 4096LL << "kv_lora_rank 512 + RoPE key 64 = 576 elements";
        QTest::newRow("window caps") << "Mistral-7B" << 8192LL << "sliding window keeps only the last 4,096 tokens";
        QTest::newRow("window not reached") << "Mistral-7B" << 1000LL << "stays under it";
        QTest::newRow("GQA sharing") << "Llama-3-70B" << 4096LL << "GQA: 8 query heads share each KV head";
        QTest::newRow("beyond the trained context") << "Llama-2-7B" << 8192LL << "beyond Llama-2-7B's trained maximum of 4,096";
    }

    void notesExplainTheFigure()
    {
        QFETCH(QString, preset);
        QFETCH(qint64, context);
        QFETCH(QString, mention);
        QStringList notes;
        for (const std::string& note : calculator(preset, "fp16", context).notes())
            notes << QString::fromStdString(note);
        QVERIFY2(notes.join('\n').contains(mention), qPrintable(notes.join('\n')));
    }

    void gpuSplit_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("dtype");
        QTest::addColumn<qint64>("context");
        QTest::addColumn<qint64>("batch");
        QTest::addColumn<QString>("gpu");
        QTest::addColumn<qint64>("weights");
        QTest::addColumn<qint64>("cache");
        QTest::addColumn<qint64>("left");
        // OPT-13B: 13e9 x 2 B weights; 819,200 B/token x 2048 x 7 cache.
        QTest::newRow("OPT-13B fp16, 2048 x 7 on A100 40 GB") << "OPT-13B" << "fp16" << 2048LL << 7LL << "A100-40GB"
                                                             << 26000000000LL << 11744051200LL << 2255948800LL;
        // Llama-2-7B: 6.74e9 x 2 B; 524,288 x 4096.
        QTest::newRow("Llama-2-7B fp16, 4096 on RTX 4090") << "Llama-2-7B" << "fp16" << 4096LL << 1LL << "RTX-4090-24GB"
                                                           << 13480000000LL << 2147483648LL << 8372516352LL;
        // Llama-3-70B: 70.6e9 x 2 B do not fit in 80 GB.
        QTest::newRow("Llama-3-70B fp16 on H100 does not fit") << "Llama-3-70B" << "fp16" << 4096LL << 1LL << "H100-80GB"
                                                               << 141200000000LL << 1342177280LL << -62542177280LL;
        // In int4: 70.6e9 x 0.5 B; 81,920 x 4096.
        QTest::newRow("Llama-3-70B int4 on A100 80 GB") << "Llama-3-70B" << "int4" << 4096LL << 1LL << "A100-80GB"
                                                        << 35300000000LL << 335544320LL << 44364455680LL;
    }

    void gpuSplit()
    {
        QFETCH(QString, preset);
        QFETCH(QString, dtype);
        QFETCH(qint64, context);
        QFETCH(qint64, batch);
        QFETCH(QString, gpu);
        QFETCH(qint64, weights);
        QFETCH(qint64, cache);
        QFETCH(qint64, left);
        const MemoryCalculator::GpuSplit split = calculator(preset, dtype, context, batch).split(GpuPreset::get(gpu.toStdString()));
        QCOMPARE(split.weightsBytes, std::int64_t(weights));
        QCOMPARE(split.cacheBytes, std::int64_t(cache));
        QCOMPARE(split.leftBytes, std::int64_t(left));
        QCOMPARE(split.fits(), left >= 0);
        QCOMPARE(split.weightsBytes + split.cacheBytes + split.leftBytes, split.gpuBytes);
    }

    void thirteenBOnA100Is65PercentWeights30PercentCache()
    {
        // The seed's claim, made true: OPT-13B in fp16, 7 sequences of 2048 tokens on a 40 GB A100.
        const MemoryCalculator::GpuSplit split = calculator("OPT-13B", "fp16", 2048, 7).split(GpuPreset::get("A100-40GB"));
        QCOMPARE(split.weightsShare(), 0.65);                  // 26 GB of 40
        QCOMPARE(split.cacheShare(), 11744051200.0 / 40e9);    // 29.36%
        QVERIFY(split.cacheShare() > 0.28 && split.cacheShare() < 0.32);
        QVERIFY(split.fits());
    }

    void maxTokensThatFit_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("gpu");
        QTest::addColumn<qint64>("batch");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("OPT-13B, A100 40 GB: 14e9 / 819,200") << "OPT-13B" << "A100-40GB" << 1LL << 17089LL;
        QTest::newRow("OPT-13B x 7: 14e9 / 5,734,400") << "OPT-13B" << "A100-40GB" << 7LL << 2441LL;
        QTest::newRow("Llama-3-8B, RTX 4090: 7.94e9 / 131,072") << "Llama-3-8B" << "RTX-4090-24GB" << 1LL << 60577LL;
        QTest::newRow("Llama-2-7B x 4, A100 80 GB: 66.52e9 / 2,097,152") << "Llama-2-7B" << "A100-80GB" << 4LL << 31719LL;
        QTest::newRow("Llama-3-70B, H100: the weights alone overflow") << "Llama-3-70B" << "H100-80GB" << 1LL << 0LL;
    }

    void maxTokensThatFit()
    {
        QFETCH(QString, preset);
        QFETCH(QString, gpu);
        QFETCH(qint64, batch);
        QFETCH(qint64, expected);
        const GpuPreset card = GpuPreset::get(gpu.toStdString());
        const std::int64_t tokens = calculator(preset).maxTokensThatFit(card, batch);
        QCOMPARE(tokens, std::int64_t(expected));
        if (tokens > 0) { // whole tokens, and not one more
            QVERIFY(calculator(preset, "fp16", tokens, batch).split(card).fits());
            QVERIFY(!calculator(preset, "fp16", tokens + 1, batch).split(card).fits());
        }
    }

    void liveModelEqualsTheAllocatedCache_data()
    {
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("kvHeads");
        QTest::addColumn<int>("context");
        QTest::addColumn<int>("embd");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("the tiny shape: 2 x 4 B x 2 x 4 x 8 x 16") << 2 << 4 << 4 << 16 << 32 << 8192LL;
        QTest::newRow("GQA: 2 x 4 B x 3 x 2 x 4 x 10") << 3 << 4 << 2 << 10 << 16 << 1920LL;
        QTest::newRow("MQA: 2 x 4 B x 1 x 1 x 2 x 7") << 1 << 4 << 1 << 7 << 8 << 112LL;
    }

    void liveModelEqualsTheAllocatedCache()
    {
        QFETCH(int, layers);
        QFETCH(int, heads);
        QFETCH(int, kvHeads);
        QFETCH(int, context);
        QFETCH(int, embd);
        QFETCH(qint64, expected);
        const ModelConfig config = kvtest::smallConfig(layers, heads, kvHeads, context, 23, embd);
        const MemoryCalculator live = MemoryCalculator::fromConfig(config);
        QCOMPARE(live.totalBytes(), std::int64_t(expected));
        QCOMPARE(live.totalBytes(), KVCache::forModel(config).bytes());
        QCOMPARE(live.settings().dataType, DataType::Fp32);
        QCOMPARE(live.cachedTokens(), std::int64_t(context));
    }

    void liveModelCountsItsParameters()
    {
        const ModelConfig config = kvtest::smallConfig(2, 4, 2, 12, 23, 16);
        std::int64_t stored = 0;
        for (const auto& [name, tensor] : ModelWeights::random(config, 1).toTensors(config))
            stored += static_cast<std::int64_t>(tensor.second.size());
        QCOMPARE(ModelPreset::fromConfig(config).parameters, stored);
        QCOMPARE(MemoryCalculator::fromConfig(config).weightsBytes(), 4 * stored);
    }

    void gpt2SmallShapeHasThePresetsParameterCount()
    {
        // 50257 x 768 + 1024 x 768 + 12 x (12 x 768^2 + 13 x 768) + 2 x 768 = 124,439,808.
        const ModelConfig config = kvtest::smallConfig(12, 12, 12, 1024, 50257, 768);
        QCOMPARE(ModelPreset::fromConfig(config).parameters, std::int64_t(124'439'808));
        QCOMPARE(ModelPresets::get("GPT-2-small").parameters, std::int64_t(124'439'808));
        QCOMPARE(MemoryCalculator::fromConfig(config).bytesPerToken(), calculator("GPT-2-small", "fp32").bytesPerToken());
    }
};

QTEST_GUILESS_MAIN(TestMemoryCalculator)
#include "tst_memorycalculator.moc"
