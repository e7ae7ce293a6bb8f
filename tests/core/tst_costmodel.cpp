#include "core/io/SafetensorsFile.h"
#include "core/lab/ModelPreset.h"
#include "core/model/CostModel.h"
#include "core/model/WeightTable.h"
#include "tests/support/TestModels.h"
#include "core/lab/WalkThrough.h"

#include <QtTest>

using namespace kv;

// Shape used throughout: 2 layers, d = 16, 4 heads of 4 dims, 2 KV heads,
// vocabulary 23. Per token and layer the projections take
// 16 x (16 + 2 x 8) for q|k|v plus 16 x 16 for the output = 768 MACs, the
// MLP 2 x 16 x 64 = 2048; each (query, key) pair costs 4 heads x 4 dims = 16
// for the scores and 16 for the mix; the LM head 16 x 23 = 368 once.
class TestCostModel : public QObject {
    Q_OBJECT

private:
    ModelConfig m_config = kvtest::smallConfig(2, 4, 2, 12, 23, 16);

private slots:
    void cachedDecodeStepByHand()
    {
        const MacCounts step = CostModel(m_config).cachedStep(5);
        QCOMPARE(step.projections, std::int64_t(2 * 768));
        QCOMPARE(step.attentionScores, std::int64_t(2 * 16 * 5));
        QCOMPARE(step.attentionMix, std::int64_t(2 * 16 * 5));
        QCOMPARE(step.mlp, std::int64_t(2 * 2048));
        QCOMPARE(step.lmHead, std::int64_t(368));
        QCOMPARE(step.total(), std::int64_t(6320));
    }

    void uncachedStepByHand()
    {
        const MacCounts step = CostModel(m_config).uncachedStep(5);
        QCOMPARE(step.projections, std::int64_t(5 * 2 * 768));
        QCOMPARE(step.attentionScores, std::int64_t(2 * 16 * 5 * 5));
        QCOMPARE(step.mlp, std::int64_t(5 * 2 * 2048));
        QCOMPARE(step.total(), std::int64_t(30128));
    }

    void prefillByHand()
    {
        QCOMPARE(CostModel(m_config).prefill(2).total(), std::int64_t(3072 + 128 + 128 + 8192 + 368));
    }

    // tiny-llama: 2 layers, d = 32, 4 heads of 8, 2 KV heads, SwiGLU 88 wide,
    // vocabulary 149. Per token and layer: q|k|v 32 x (32 + 2 x 16) = 2048 and
    // the output 32 x 32 = 1024 (3072); RoPE turns q and k, 32 + 16 elements at
    // two multiply-adds each (96); SwiGLU's gate, up and down 3 x 32 x 88 = 8448;
    // each (query, key) pair 4 heads x 8 dims = 32 for the scores and 32 for the
    // mix; the tied classifier 32 x 149 = 4768 once.
    void tinyLlamaStepsByHand()
    {
        const ModelConfig& config = kvtest::shippedModel("tiny-llama").config();
        const MacCounts cached = CostModel(config).cachedStep(5);
        QCOMPARE(cached.projections, std::int64_t(2 * 3072));
        QCOMPARE(cached.rotary, std::int64_t(2 * 96));
        QCOMPARE(cached.attentionScores, std::int64_t(2 * 32 * 5));
        QCOMPARE(cached.attentionMix, std::int64_t(2 * 32 * 5));
        QCOMPARE(cached.mlp, std::int64_t(2 * 8448));
        QCOMPARE(cached.lmHead, std::int64_t(4768));
        QCOMPARE(cached.total(), std::int64_t(28640));
        const MacCounts uncached = CostModel(config).uncachedStep(5);
        QCOMPARE(uncached.rotary, std::int64_t(5 * 2 * 96));
        QCOMPARE(uncached.mlp, std::int64_t(5 * 2 * 8448));
        QCOMPARE(uncached.total(), std::int64_t(124128));
        // A GPT-2 shape rotates nothing.
        QCOMPARE(CostModel(m_config).cachedStep(5).rotary, std::int64_t(0));
    }

    void tinyLlamaRecordedCostsEqualTheModel()
    {
        const ModelBundle& bundle = kvtest::shippedModel("tiny-llama");
        const WalkThrough run = runWalkThrough(*bundle.model, bundle.tokenizer->encode("I"), {}, bundle.tokenizer->eosId());
        const CostModel costs(bundle.config());
        QCOMPARE(run.stepCount(), std::size_t(5));
        for (std::size_t s = 0; s < run.stepCount(); ++s) {
            const auto length = static_cast<std::int64_t>(run.cached.steps[s].keyTokens.size());
            QCOMPARE(run.uncached.steps[s].cost.macs, costs.uncachedStep(length));
            QCOMPARE(run.cached.steps[s].cost.macs, s == 0 ? costs.prefill(1) : costs.cachedStep(length));
        }
    }

    // The parameter count is the weight table's: for tiny-llama the sum of the
    // tensors in its model.safetensors, and by hand 149 x 32 (embedding) +
    // 2 x (32 + 32 x 32 + 2 x 16 x 32 + 32 x 32 + 32 + 3 x 88 x 32) + 32.
    void parameterCountIsTheWeightTables_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<qint64>("byHand");
        QTest::newRow("tiny-llama") << "tiny-llama" << qint64(149 * 32 + 2 * (32 + 1024 + 1024 + 1024 + 32 + 8448) + 32);
        // GPT-2: (149 + 16) x 32 + 2 x (4 x 32 + 32 x 96 + 96 + 32 x 32 + 32 + 32 x 128 + 128 + 128 x 32 + 32) + 2 x 32
        QTest::newRow("tiny-mha") << "tiny-mha"
                                  << qint64(165 * 32 + 2 * (128 + 3072 + 96 + 1024 + 32 + 4096 + 128 + 4096 + 32) + 64);
    }

    void parameterCountIsTheWeightTables()
    {
        QFETCH(QString, model);
        QFETCH(qint64, byHand);
        const ModelConfig& config = kvtest::shippedModel(model).config();
        const SafetensorsFile file = SafetensorsFile::read((kvtest::shippedModelDir(model) + "/model.safetensors").toStdString());
        std::int64_t inFile = 0;
        for (const std::string& name : file.names()) {
            std::int64_t elements = 1;
            for (std::int64_t extent : file.info(name).shape)
                elements *= extent;
            inFile += elements;
        }
        QCOMPARE(parameterCount(config), std::int64_t(byHand));
        QCOMPARE(parameterCount(config), inFile);
        QCOMPARE(ModelPreset::fromConfig(config).parameters, std::int64_t(byHand));
    }

    void recordedCostsEqualTheModel()
    {
        const Transformer model = kvtest::randomTransformer(m_config);
        GenerationSettings settings;
        settings.stopAtEos = false;
        const WalkThrough run = runWalkThrough(model, {1, 2}, settings, 0);
        const CostModel costs(m_config);
        QCOMPARE(run.stepCount(), std::size_t(10));
        for (std::size_t s = 0; s < run.stepCount(); ++s) {
            const auto length = static_cast<std::int64_t>(run.cached.steps[s].keyTokens.size());
            QCOMPARE(length, std::int64_t(2 + s));
            QCOMPARE(run.uncached.steps[s].cost.macs, costs.uncachedStep(length));
            QCOMPARE(run.cached.steps[s].cost.macs, s == 0 ? costs.prefill(2) : costs.cachedStep(length));
            QCOMPARE(run.cached.steps[s].cost.kvBytes, costs.kvBytes(length));
        }
    }

    void uncachedTotalGrowsWithTheSquare()
    {
        // Attention work summed over steps: sum of L^2 without the cache, sum of L with it.
        const CostModel costs(m_config);
        std::int64_t without = 0;
        std::int64_t with = 0;
        for (std::int64_t length = 1; length <= 12; ++length) {
            without += costs.uncachedStep(length).attentionScores;
            with += costs.cachedStep(length).attentionScores;
        }
        QCOMPARE(without, std::int64_t(32 * 650)); // 1^2 + ... + 12^2 = 650
        QCOMPARE(with, std::int64_t(32 * 78));     // 1 + ... + 12 = 78
    }

    void kvBytesFormula_data()
    {
        QTest::addColumn<qint64>("layers");
        QTest::addColumn<qint64>("kvHeads");
        QTest::addColumn<qint64>("headDim");
        QTest::addColumn<qint64>("tokens");
        QTest::addColumn<qint64>("batch");
        QTest::addColumn<qint64>("bytesPerElement");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("Llama-2-7B fp16, one token") << 32LL << 32LL << 128LL << 1LL << 1LL << 2LL << 524288LL;
        QTest::newRow("Llama-3-70B fp16 GQA, 4096 tokens") << 80LL << 8LL << 128LL << 4096LL << 1LL << 2LL << 1342177280LL;
        QTest::newRow("Llama-3-70B without GQA, one token") << 80LL << 64LL << 128LL << 1LL << 1LL << 2LL << 2621440LL;
        QTest::newRow("batch multiplies") << 2LL << 2LL << 8LL << 16LL << 3LL << 4LL << 2LL * 4 * 2 * 2 * 8 * 16 * 3;
    }

    void kvBytesFormula()
    {
        QFETCH(qint64, layers);
        QFETCH(qint64, kvHeads);
        QFETCH(qint64, headDim);
        QFETCH(qint64, tokens);
        QFETCH(qint64, batch);
        QFETCH(qint64, bytesPerElement);
        QFETCH(qint64, expected);
        QCOMPARE(CostModel::kvBytes(layers, kvHeads, headDim, tokens, batch, bytesPerElement), std::int64_t(expected));
    }
};

QTEST_GUILESS_MAIN(TestCostModel)
#include "tst_costmodel.moc"
