// Hugging Face folders against torch: tests/data/hf-gpt2-random (F32, the
// "transformer." prefix, Conv1D weights, mask buffers, byte-level BPE),
// tests/data/hf-llama-random (BF16, GQA, half-split RoPE, untied head,
// SentencePiece-style BPE with byte fallback and BOS; also sharded, with the
// tokenizer in its Metaspace pre-tokenizer form) and
// tests/data/hf-qwen2-random (F16, q/k/v biases, head_dim from the config,
// tied head, Qwen's Split regex, added tokens in the text), written by
// tools/write_hf_reference_folders.py with its own tokenizers and torch
// forwards. Each folder goes through ModelBundle::load, the format path the
// app takes; its reference.json holds the encodings, every stage of one pass,
// the logits and the greedy ids after "Hello world".
#include "core/decode/DecodeSession.h"
#include "core/decode/GenerationSettings.h"
#include "core/decode/TraceGenerator.h"
#include "core/io/ModelBundle.h"
#include "core/model/ForwardObserver.h"
#include "tests/support/StageRecorder.h"
#include "tests/support/TestModels.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <numeric>

using namespace kv;

namespace {

constexpr float kStageTolerance = 1e-4f; // torch and Eigen sum in different orders
constexpr float kPathTolerance = 1e-5f;  // cached against uncached decoding

std::string dataDir(const QString& name)
{
    return (QStringLiteral(KVLAB_TEST_DATA "/") + name).toStdString();
}

nlohmann::json readReference(const QString& name)
{
    std::ifstream in(dataDir(name) + "/reference.json");
    if (!in)
        throw std::runtime_error("cannot open " + dataDir(name) + "/reference.json");
    nlohmann::json reference = nlohmann::json::parse(in);
    if (reference.at("format_version").get<int>() != 1)
        throw std::runtime_error("reference.json format_version is not 1");
    return reference;
}

using kvtest::StageRecorder;

// The largest |actual - expected|, or infinity when the shapes differ.
float worstDiff(const Matrix& actual, const Matrix& expected)
{
    if (actual.rows() != expected.rows() || actual.cols() != expected.cols())
        return std::numeric_limits<float>::infinity();
    return (actual - expected).cwiseAbs().maxCoeff();
}

QString ids(const std::vector<int>& list)
{
    QStringList parts;
    for (const int id : list)
        parts << QString::number(id);
    return parts.join(',');
}

void addFolders()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QString>("referenceFolder");
    QTest::newRow("gpt2 F32") << "hf-gpt2-random" << "hf-gpt2-random";
    QTest::newRow("llama BF16") << "hf-llama-random" << "hf-llama-random";
    QTest::newRow("llama BF16 sharded") << "hf-llama-random-sharded" << "hf-llama-random";
    QTest::newRow("qwen2 F16") << "hf-qwen2-random" << "hf-qwen2-random";
}

} // namespace

class TestTorchFolders : public QObject {
    Q_OBJECT

private slots:
    // The folders hold what the script says: the formats the test is about.
    void foldersAreWhatTheyClaim()
    {
        const ModelBundle gpt2 = ModelBundle::load(dataDir("hf-gpt2-random"));
        QCOMPARE(gpt2.config().family, ModelFamily::Gpt2);
        QVERIFY(gpt2.config().tiedClassifier);
        const ModelBundle llama = ModelBundle::load(dataDir("hf-llama-random"));
        QCOMPARE(llama.config().family, ModelFamily::Llama);
        QCOMPARE(llama.config().nHead, 4);
        QCOMPARE(llama.config().nKvHead, 2);
        QCOMPARE(llama.config().ropeLayout, RopeLayout::HalfSplit);
        QCOMPARE(llama.config().ropeTheta, 50000.0f);
        QVERIFY(!llama.config().tiedClassifier);
        QCOMPARE(llama.tokenizer->bosId(), 1);
        QCOMPARE(llama.tokenizer->eosId(), 2);
        QCOMPARE(gpt2.tokenizer->bosId(), -1);
        const ModelBundle qwen2 = ModelBundle::load(dataDir("hf-qwen2-random"));
        QCOMPARE(qwen2.config().family, ModelFamily::Llama);
        QVERIFY(qwen2.config().attentionBias);
        QCOMPARE(qwen2.config().headDim(), 16); // from the config: 4 heads of 16 in a width of 32
        QCOMPARE(qwen2.config().qDim(), 64);
        QVERIFY(qwen2.config().tiedClassifier);
        QCOMPARE(gpt2.tokenizer->token(gpt2.tokenizer->eosId()), std::string("<|endoftext|>"));
    }

    void tokenizerMatchesPython_data() { addFolders(); }
    void tokenizerMatchesPython()
    {
        QFETCH(QString, folder);
        QFETCH(QString, referenceFolder);
        const nlohmann::json reference = readReference(referenceFolder);
        const ModelBundle bundle = ModelBundle::load(dataDir(folder));
        QVERIFY(reference.at("encodings").size() >= 4);
        for (const auto& encoding : reference.at("encodings")) {
            const std::string text = encoding.at("text").get<std::string>();
            const auto expected = encoding.at("ids").get<std::vector<int>>();
            const std::vector<int> actual = bundle.tokenizer->encode(text);
            QVERIFY2(actual == expected, qPrintable(QStringLiteral("%1: \"%2\" gave %3, python %4")
                                                        .arg(folder, QString::fromStdString(text), ids(actual), ids(expected))));
            // Decoding gives the text back, bytes of split characters
            // (the emoji's <0xF0> <0x9F> ...) joined again; Llama's BOS aside.
            const bool bos = !actual.empty() && actual.front() == bundle.tokenizer->bosId();
            QCOMPARE(bundle.tokenizer->decode(std::vector<int>(actual.begin() + (bos ? 1 : 0), actual.end())), text);
        }
    }

    void everyStageMatchesTorch_data() { addFolders(); }
    void everyStageMatchesTorch()
    {
        QFETCH(QString, folder);
        QFETCH(QString, referenceFolder);
        const nlohmann::json stages = readReference(referenceFolder).at("stages");
        const ModelBundle bundle = ModelBundle::load(dataDir(folder));
        const ModelConfig& config = bundle.config();
        const auto tokens = stages.at("tokens").get<std::vector<int>>();
        QCOMPARE(bundle.tokenizer->encode(stages.at("text").get<std::string>()), tokens);

        std::vector<int> positions(tokens.size());
        std::iota(positions.begin(), positions.end(), 0);
        StageRecorder recorder;
        bundle.model->forward(tokens, positions, nullptr, &recorder);

        std::vector<std::string> names{"attn_norm", "q", "k", "v", "attn_output", "mlp_norm", "mlp_output"};
        if (config.position == PositionKind::Rotary)
            names.insert(names.begin() + 1, {"q_before_rope", "k_before_rope"});
        QCOMPARE(stages.at("layers").size(), std::size_t(config.nLayer));
        QStringList failures, worst;
        for (int layer = 0; layer < config.nLayer; ++layer) {
            const auto& expected = stages.at("layers").at(std::size_t(layer));
            for (const std::string& name : names) {
                const QString label = QStringLiteral("L%1 %2").arg(layer).arg(QString::fromStdString(name));
                QVERIFY2(recorder.has(layer, name), qPrintable(label + ": the pass did not report it"));
                const float diff = worstDiff(recorder.stage(layer, name), kvtest::matrixFromJson(expected.at(name)));
                worst << QStringLiteral("%1 %2").arg(label).arg(double(diff), 0, 'g', 2);
                if (!(diff <= kStageTolerance))
                    failures << label;
            }
            for (int head = 0; head < config.nHead; ++head) {
                QVERIFY(recorder.hasWeights(layer, head));
                const float diff = worstDiff(recorder.weights(layer, head),
                                             kvtest::matrixFromJson(expected.at("attn_weights").at(std::size_t(head))));
                if (!(diff <= kStageTolerance))
                    failures << QStringLiteral("L%1 attn_weights head %2: %3").arg(layer).arg(head).arg(double(diff));
            }
        }

        // Every position's logits: the cached session over the text.
        const Matrix expectedLogits = kvtest::matrixFromJson(stages.at("logits"));
        Matrix logits(expectedLogits.rows(), expectedLogits.cols());
        DecodeSession session(*bundle.model, DecodeMode::Cached);
        for (std::size_t t = 0; t < tokens.size(); ++t)
            logits.row(Eigen::Index(t)) = t == 0 ? session.start({tokens[0]}).logits : session.next(tokens[t]).logits;
        const float logitDiff = worstDiff(logits, expectedLogits);
        worst << QStringLiteral("logits %1").arg(double(logitDiff), 0, 'g', 2);
        if (!(logitDiff <= kStageTolerance))
            failures << QStringLiteral("logits: %1").arg(double(logitDiff));
        qInfo("%s: %s", qPrintable(folder), qPrintable(worst.join(", ")));
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join("\n")));
    }

    // Greedy decoding after "Hello world", cached and uncached, gives torch's
    // ids, and the two paths' logits agree step by step.
    void greedyIdsMatchTorch_data() { addFolders(); }
    void greedyIdsMatchTorch()
    {
        QFETCH(QString, folder);
        QFETCH(QString, referenceFolder);
        const nlohmann::json greedy = readReference(referenceFolder).at("greedy");
        const ModelBundle bundle = ModelBundle::load(dataDir(folder));
        const std::vector<int> prompt = bundle.tokenizer->encode(greedy.at("prompt").get<std::string>());
        const auto expected = greedy.at("ids").get<std::vector<int>>();
        GenerationSettings settings;
        settings.maxNewTokens = greedy.at("max_new").get<int>();
        QVERIFY(settings.sampling.greedy());

        std::map<DecodeMode, Trace> traces;
        for (const DecodeMode mode : {DecodeMode::Cached, DecodeMode::Uncached}) {
            DecodeSession session(*bundle.model, mode);
            traces[mode] = generateTrace(session, prompt, settings, bundle.tokenizer->eosId());
            std::vector<int> sequence = prompt;
            const std::vector<int> generated = traces[mode].generated();
            sequence.insert(sequence.end(), generated.begin(), generated.end());
            QVERIFY2(sequence == expected, qPrintable(QStringLiteral("%1 %2: %3, torch %4")
                                                          .arg(folder, mode == DecodeMode::Cached ? "cached" : "uncached",
                                                               ids(sequence), ids(expected))));
        }
        float worstPaths = 0.0f;
        const auto& cached = traces[DecodeMode::Cached].steps;
        const auto& uncached = traces[DecodeMode::Uncached].steps;
        QCOMPARE(cached.size(), uncached.size());
        for (std::size_t i = 0; i < cached.size(); ++i)
            worstPaths = std::max(worstPaths, kvtest::maxAbsDiff(cached[i].logits, uncached[i].logits));
        qInfo("%s: %zu greedy steps, max |dlogit| between paths %.2g", qPrintable(folder), cached.size(),
              double(worstPaths));
        QVERIFY(worstPaths <= kPathTolerance);
    }
};

QTEST_GUILESS_MAIN(TestTorchFolders)
#include "tst_torchfolders.moc"
