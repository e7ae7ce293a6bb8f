// Golden tensors per stage: every intermediate of the forward pass over
// "I saw a beautiful car [EOS]" against tools/write_golden_tensors.py's torch
// pass (assets/models/NAME/golden.json), so a divergence names its layer and
// stage, not just "the logits differ".
#include "core/decode/DecodeSession.h"
#include "core/model/ForwardObserver.h"
#include "tests/support/StageRecorder.h"
#include "tests/support/TestModels.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>

using namespace kv;

namespace {

constexpr float kTolerance = 1e-4f;

using kvtest::StageRecorder;

// "tiny-llama layer 1 k: max |diff| 3e-3 at [4][7]" when `actual` is off;
// the max |diff| either way.
struct Comparison {
    float maxDiff = 0.0f;
    QString message;
};

Comparison compare(const QString& label, const Matrix& actual, const Matrix& expected)
{
    Comparison result;
    if (actual.rows() != expected.rows() || actual.cols() != expected.cols()) {
        result.maxDiff = std::numeric_limits<float>::infinity();
        result.message = QStringLiteral("%1: shape %2 x %3, golden %4 x %5")
                             .arg(label)
                             .arg(actual.rows())
                             .arg(actual.cols())
                             .arg(expected.rows())
                             .arg(expected.cols());
        return result;
    }
    Eigen::Index row = 0, col = 0;
    result.maxDiff = (actual - expected).cwiseAbs().maxCoeff(&row, &col);
    result.message = QStringLiteral("%1: max |diff| %2 at [%3][%4]").arg(label).arg(double(result.maxDiff), 0, 'g', 2).arg(row).arg(col);
    return result;
}

} // namespace

class TestGolden : public QObject {
    Q_OBJECT

private slots:
    void everyStageMatchesTorch_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("tiny-mha") << "tiny-mha";
        QTest::newRow("tiny-gqa") << "tiny-gqa";
        QTest::newRow("tiny-llama") << "tiny-llama";
    }

    void everyStageMatchesTorch()
    {
        QFETCH(QString, model);
        std::ifstream in((kvtest::shippedModelDir(model) + "/golden.json").toStdString());
        QVERIFY(in.good());
        const nlohmann::json golden = nlohmann::json::parse(in);
        QCOMPARE(golden.at("format_version").get<int>(), 1);
        const ModelBundle& bundle = kvtest::shippedModel(model);
        const ModelConfig& config = bundle.config();
        const auto tokens = golden.at("tokens").get<std::vector<int>>();
        QCOMPARE(bundle.tokenizer->encode(golden.at("text").get<std::string>()), tokens);

        // One pass over the whole text, positions 0..T-1, as the torch pass.
        std::vector<int> positions(tokens.size());
        std::iota(positions.begin(), positions.end(), 0);
        StageRecorder recorder;
        bundle.model->forward(tokens, positions, nullptr, &recorder);

        const bool rotary = config.position == PositionKind::Rotary;
        std::vector<std::string> stages{"attn_norm", "q", "k", "v", "attn_output", "mlp_norm", "mlp_output"};
        if (rotary)
            stages.insert(stages.begin() + 1, {"q_before_rope", "k_before_rope"});
        QCOMPARE(golden.at("layers").size(), std::size_t(config.nLayer));
        QStringList failures;
        QStringList worstPerStage;
        for (int layer = 0; layer < config.nLayer; ++layer) {
            const auto& expected = golden.at("layers").at(std::size_t(layer));
            for (const std::string& stage : stages) {
                const QString label = QStringLiteral("%1 layer %2 %3").arg(model).arg(layer).arg(QString::fromStdString(stage));
                QVERIFY2(recorder.has(layer, stage), qPrintable(label + ": the pass did not report it"));
                const Comparison c = compare(label, recorder.stage(layer, stage), kvtest::matrixFromJson(expected.at(stage)));
                worstPerStage << QStringLiteral("L%1 %2 %3").arg(layer).arg(QString::fromStdString(stage)).arg(double(c.maxDiff), 0, 'g', 2);
                if (!(c.maxDiff <= kTolerance))
                    failures << c.message;
            }
            float worstWeights = 0.0f;
            for (int head = 0; head < config.nHead; ++head) {
                const QString label = QStringLiteral("%1 layer %2 attn_weights head %3").arg(model).arg(layer).arg(head);
                const Comparison c = compare(label, recorder.weights(layer, head),
                                             kvtest::matrixFromJson(expected.at("attn_weights").at(std::size_t(head))));
                worstWeights = std::max(worstWeights, c.maxDiff);
                if (!(c.maxDiff <= kTolerance))
                    failures << c.message;
            }
            worstPerStage << QStringLiteral("L%1 attn_weights %2").arg(layer).arg(double(worstWeights), 0, 'g', 2);
        }
        // Only rotary models report the stages before RoPE.
        QCOMPARE(recorder.has(0, "q_before_rope"), rotary);

        // The logits of every position: a pass over each prefix (the forward
        // pass returns the last token's).
        const Matrix expectedLogits = kvtest::matrixFromJson(golden.at("logits"));
        Matrix logits(expectedLogits.rows(), expectedLogits.cols());
        DecodeSession session(*bundle.model, DecodeMode::Cached);
        for (std::size_t t = 0; t < tokens.size(); ++t)
            logits.row(Eigen::Index(t)) = t == 0 ? session.start({tokens[0]}).logits : session.next(tokens[t]).logits;
        const Comparison c = compare(model + " logits", logits, expectedLogits);
        worstPerStage << QStringLiteral("logits %1").arg(double(c.maxDiff), 0, 'g', 2);
        if (!(c.maxDiff <= kTolerance))
            failures << c.message;

        qInfo("%s", qPrintable(model + ": " + worstPerStage.join(", ")));
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join("\n")));
    }

    // The comparison itself names layer, stage and the worst entry.
    void aDivergenceIsLabelled()
    {
        Matrix golden = Matrix::Zero(6, 16);
        Matrix actual = golden;
        actual(4, 7) = 3e-3f;
        const Comparison c = compare(QStringLiteral("tiny-llama layer 1 k"), actual, golden);
        QCOMPARE(c.message, QStringLiteral("tiny-llama layer 1 k: max |diff| 0.003 at [4][7]"));
        QVERIFY(c.maxDiff > kTolerance);
    }

    // An observer that only counts sees every stage once per layer, and the
    // same pass without an observer gives the same logits.
    void observingChangesNothing()
    {
        const ModelBundle& bundle = kvtest::shippedModel("tiny-llama");
        const std::vector<int> tokens{1, 2, 3};
        const std::vector<int> positions{0, 1, 2};
        StageRecorder recorder;
        const RowVector watched = bundle.model->forward(tokens, positions, nullptr, &recorder).logits;
        const RowVector alone = bundle.model->forward(tokens, positions, nullptr).logits;
        QCOMPARE(kvtest::maxAbsDiff(watched, alone), 0.0f);
        QCOMPARE(kvtest::maxAbsDiff(recorder.stage(-1, "logits"), alone), 0.0f);
    }
};

QTEST_GUILESS_MAIN(TestGolden)
#include "tst_golden.moc"
