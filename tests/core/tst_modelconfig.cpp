// The block choices of config.json: each family's defaults, the Llama keys,
// and GPT-2 configs read exactly as before.
#include "core/io/LoadError.h"
#include "core/model/FamilyDefaults.h"
#include "core/model/ModelConfig.h"

#include "tests/support/TestModels.h"

#include <QtTest>

using kv::ModelConfig;

namespace {

const char* kGpt2Shape = R"({"n_layer": 2, "n_embd": 32, "n_head": 4, "n_kv_head": 2, "n_positions": 16,
                             "vocab_size": 149)";

ModelConfig parse(const std::string& text)
{
    return ModelConfig::fromJsonText(text, "test config.json");
}

QString loadErrorOf(const std::string& text)
{
    try {
        parse(text);
    } catch (const kv::LoadError& error) {
        return QString::fromStdString(error.what());
    }
    return {};
}

} // namespace

class TestModelConfig : public QObject {
    Q_OBJECT

private slots:
    void gpt2ConfigTakesGpt2Blocks()
    {
        const ModelConfig config = ModelConfig::fromJsonFile(
            (kvtest::shippedModelDir(QStringLiteral("tiny-gqa")) + "/config.json").toStdString());
        QCOMPARE(config.family, kv::ModelFamily::Gpt2);
        QCOMPARE(config.norm, kv::NormKind::LayerNorm);
        QCOMPARE(config.position, kv::PositionKind::Learned);
        QCOMPARE(config.mlp, kv::MlpKind::GeluTanh);
        QVERIFY(config.attentionBias);
        QVERIFY(config.mlpBias);
        QVERIFY(config.tiedClassifier);
        QCOMPARE(config.normEps, 1e-5f);
        QCOMPARE(config.headDim(), 8);
        QCOMPARE(config.mlpWidth(), 128);
        QCOMPARE(config.qkvWidth(), 32 + 2 * 16);
    }

    void tinyLlamaConfigReadsEveryKey()
    {
        const ModelConfig config = ModelConfig::fromJsonFile(
            (kvtest::shippedModelDir(QStringLiteral("tiny-llama")) + "/config.json").toStdString());
        QCOMPARE(config.family, kv::ModelFamily::Llama);
        QCOMPARE(config.name, std::string("tiny-llama"));
        QCOMPARE(config.norm, kv::NormKind::RmsNorm);
        QCOMPARE(config.position, kv::PositionKind::Rotary);
        QCOMPARE(config.mlp, kv::MlpKind::SwiGlu);
        QVERIFY(!config.attentionBias);
        QVERIFY(!config.mlpBias);
        QVERIFY(config.tiedClassifier);
        QCOMPARE(config.nKvHead, 2);
        QCOMPARE(config.intermediateSize, 88);
        QCOMPARE(config.mlpWidth(), 88);
        QCOMPARE(config.normEps, 1e-5f);
        QCOMPARE(config.ropeTheta, 10000.0f);
        QCOMPARE(config.ropeLayout, kv::RopeLayout::Interleaved);
        QCOMPARE(config.eosToken, std::string("[EOS]"));
    }

    void missingLlamaKeysTakeTheFamilyDefaults()
    {
        const ModelConfig config = parse(std::string(kGpt2Shape) + R"(, "family": "llama"})");
        const kv::FamilyDefaults& llama = kv::familyDefaults(kv::ModelFamily::Llama);
        QCOMPARE(config.norm, llama.norm);
        QCOMPARE(config.position, llama.position);
        QCOMPARE(config.mlp, llama.mlp);
        QCOMPARE(config.attentionBias, llama.attentionBias);
        QCOMPARE(config.tiedClassifier, llama.tiedClassifier);
        QCOMPARE(config.normEps, llama.normEps);
        QCOMPARE(config.ropeTheta, 10000.0f);
        QCOMPARE(config.ropeLayout, kv::RopeLayout::Interleaved);
        QCOMPARE(config.mlpWidth(), 4 * 32);
    }

    void llamaKeysOverrideTheDefaults()
    {
        const ModelConfig config = parse(std::string(kGpt2Shape) + R"(, "family": "llama", "rms_norm_eps": 1e-6,
            "rope_theta": 500000.0, "rope_layout": "half", "tie_word_embeddings": false, "attention_bias": true,
            "head_dim": 16, "intermediate_size": 40})");
        QCOMPARE(config.normEps, 1e-6f);
        QCOMPARE(config.ropeTheta, 500000.0f);
        QCOMPARE(config.ropeLayout, kv::RopeLayout::HalfSplit);
        QVERIFY(!config.tiedClassifier);
        QVERIFY(config.attentionBias);
        QCOMPARE(config.headDim(), 16);
        QCOMPARE(config.qDim(), 64);
        QCOMPARE(config.kvDim(), 32);
        QCOMPARE(config.mlpWidth(), 40);
    }

    void llamaFactoryMatchesTheTable()
    {
        const ModelConfig config = ModelConfig::llama("l", 2, 32, 4, 2, 16, 149, 88);
        QCOMPARE(config.family, kv::ModelFamily::Llama);
        QCOMPARE(config.norm, kv::NormKind::RmsNorm);
        QCOMPARE(config.position, kv::PositionKind::Rotary);
        QCOMPARE(config.mlpWidth(), 88);
        QCOMPARE(kv::familyName(config.family), std::string("llama"));
        const ModelConfig gpt2 = ModelConfig::gpt2("g", 2, 32, 4, 2, 16, 149);
        QCOMPARE(gpt2.norm, kv::NormKind::LayerNorm);
        QCOMPARE(kv::familyName(gpt2.family), std::string("gpt2"));
    }

    void badBlockKeysNameTheField_data()
    {
        QTest::addColumn<QString>("extra");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown family") << R"("family": "mamba")" << R"(unsupported model family "mamba" (supported: gpt2, llama))";
        QTest::newRow("unknown rope layout") << R"("family": "llama", "rope_layout": "spiral")" << "rope_layout";
        QTest::newRow("rope theta a string") << R"("family": "llama", "rope_theta": "big")" << "\"rope_theta\" must be a finite number";
        QTest::newRow("tie a number") << R"("family": "llama", "tie_word_embeddings": 1)" << "\"tie_word_embeddings\" must be true or false";
        QTest::newRow("eps zero") << R"("family": "llama", "rms_norm_eps": 0)" << "rms_norm_eps must be positive";
        QTest::newRow("intermediate negative") << R"("family": "llama", "intermediate_size": -3)" << "intermediate_size";
        QTest::newRow("odd rotary head") << R"("family": "llama", "head_dim": 7)" << "even head dimension";
    }

    void badBlockKeysNameTheField()
    {
        QFETCH(QString, extra);
        QFETCH(QString, expected);
        const QString message = loadErrorOf(std::string(kGpt2Shape) + ", " + extra.toStdString() + "}");
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(message.contains("test config.json"), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestModelConfig)
#include "tst_modelconfig.moc"
