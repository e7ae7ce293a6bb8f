#include "core/model/CostModel.h"
#include "core/lab/LazyWalkThrough.h"
#include "core/decode/DecodeSession.h"
#include "tests/support/TestModels.h"
#include "core/decode/TraceRecorder.h"
#include "core/lab/WalkThrough.h"

#include <QtTest>

#include <cmath>

using namespace kv;

namespace {

// The first layer's query rows, computed here from the weights without the
// model's code: LayerNorm(wte[token] + wpe[position]) times the head's slice of W_q.
Matrix expectedFirstLayerQueries(const Transformer& model, const std::vector<int>& tokens,
                                 const std::vector<int>& positions, int head)
{
    const ModelConfig& config = model.config();
    const ModelWeights& w = model.weights();
    const LayerWeights& layer = w.layers[0];
    const int d = config.nEmbd;
    const int hd = config.headDim();
    Matrix queries(static_cast<Eigen::Index>(tokens.size()), hd);
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        std::vector<double> x(static_cast<std::size_t>(d));
        double mean = 0.0;
        for (int c = 0; c < d; ++c) {
            x[static_cast<std::size_t>(c)] = w.tokenEmbedding(tokens[t], c) + w.positionEmbedding(positions[t], c);
            mean += x[static_cast<std::size_t>(c)] / d;
        }
        double variance = 0.0;
        for (double v : x)
            variance += (v - mean) * (v - mean) / d;
        for (int c = 0; c < d; ++c)
            x[static_cast<std::size_t>(c)] = (x[static_cast<std::size_t>(c)] - mean) / std::sqrt(variance + config.normEps)
                    * layer.attnNormGain(c) + layer.attnNormBias(c);
        for (int j = 0; j < hd; ++j) {
            double sum = layer.qkvBias(head * hd + j);
            for (int c = 0; c < d; ++c)
                sum += x[static_cast<std::size_t>(c)] * layer.qkvWeight(c, head * hd + j);
            queries(static_cast<Eigen::Index>(t), j) = static_cast<float>(sum);
        }
    }
    return queries;
}

void checkAttentionArithmetic(const HeadRecord& head)
{
    const auto n = head.queries.rows();
    const auto keys = head.keys.rows();
    const float scale = 1.0f / std::sqrt(static_cast<float>(head.queries.cols()));
    for (Eigen::Index i = 0; i < n; ++i) {
        double rowSum = 0.0;
        for (Eigen::Index j = 0; j < keys; ++j) {
            const bool masked = j > head.appendedFrom + i;
            if (masked) {
                QVERIFY(std::isinf(head.scores(i, j)) && head.scores(i, j) < 0);
                QCOMPARE(head.weights(i, j), 0.0f);
                continue;
            }
            QVERIFY(std::abs(head.scores(i, j) - head.queries.row(i).dot(head.keys.row(j)) * scale) < 1e-5f);
            rowSum += head.weights(i, j);
        }
        QVERIFY(std::abs(rowSum - 1.0) < 1e-5);
        // softmax, computed independently
        const float top = head.scores.row(i).maxCoeff();
        double denominator = 0.0;
        for (Eigen::Index j = 0; j <= std::min(keys - 1, head.appendedFrom + i); ++j)
            denominator += std::exp(double(head.scores(i, j)) - top);
        for (Eigen::Index j = 0; j <= std::min(keys - 1, head.appendedFrom + i); ++j)
            QVERIFY(std::abs(head.weights(i, j) - std::exp(double(head.scores(i, j)) - top) / denominator) < 1e-6);
    }
    QVERIFY(kvtest::maxAbsDiff(head.output, head.weights * head.values) < 1e-6f);
}

} // namespace

class TestTrace : public QObject {
    Q_OBJECT

private:
    ModelConfig m_config = kvtest::smallConfig(2, 4, 2, 10);
    Transformer m_model = kvtest::randomTransformer(m_config, 21);
    const std::vector<int> m_prompt = {3, 17};
    const std::vector<int> m_fed = {5, 11, 2}; // decode inputs

private slots:
    void queryRowsEqualTheInputTimesWq()
    {
        DecodeSession cached(m_model, DecodeMode::Cached);
        TraceRecorder recorder;
        cached.start(m_prompt, &recorder);
        auto heads = recorder.take();
        QCOMPARE(heads.size(), std::size_t(2 * 4));
        for (int h = 0; h < 4; ++h)
            QVERIFY(kvtest::maxAbsDiff(heads[std::size_t(h)].queries,
                                       expectedFirstLayerQueries(m_model, m_prompt, {0, 1}, h)) < 1e-5f);
        cached.next(m_fed[0], &recorder);
        heads = recorder.take();
        QCOMPARE(heads[1].queries.rows(), Eigen::Index(1));
        QVERIFY(kvtest::maxAbsDiff(heads[1].queries, expectedFirstLayerQueries(m_model, {m_fed[0]}, {2}, 1)) < 1e-5f);
    }

    void keysAndValuesReadAreTheCacheRows()
    {
        DecodeSession cached(m_model, DecodeMode::Cached);
        TraceRecorder recorder;
        cached.start(m_prompt, &recorder);
        for (std::size_t s = 0; s <= m_fed.size(); ++s) {
            const auto heads = recorder.take();
            const int length = cached.cache().length();
            for (const HeadRecord& head : heads) {
                const int hd = m_config.headDim();
                QCOMPARE(head.keys.rows(), Eigen::Index(length));
                QCOMPARE(head.appendedFrom, s == 0 ? 0 : length - 1);
                QCOMPARE(kvtest::maxAbsDiff(head.keys, cached.cache().keys(head.layer).middleCols(head.kvHead * hd, hd)), 0.0f);
                QCOMPARE(kvtest::maxAbsDiff(head.values, cached.cache().values(head.layer).middleCols(head.kvHead * hd, hd)), 0.0f);
                QCOMPARE(head.kvHead, head.head / 2); // 4 query heads share 2 KV heads
                checkAttentionArithmetic(head);
            }
            if (s < m_fed.size())
                cached.next(m_fed[s], &recorder);
        }
    }

    void uncachedRecomputedRowsEqualThePreviousStep()
    {
        DecodeSession uncached(m_model, DecodeMode::Uncached);
        TraceRecorder recorder;
        uncached.start(m_prompt, &recorder);
        auto previous = recorder.take();
        for (int token : m_fed) {
            uncached.next(token, &recorder);
            const auto heads = recorder.take();
            for (std::size_t i = 0; i < heads.size(); ++i) {
                const HeadRecord& now = heads[i];
                const HeadRecord& before = previous[i];
                const auto old = before.queries.rows();
                QCOMPARE(now.queries.rows(), old + 1);
                QCOMPARE(now.appendedFrom, 0); // everything was computed in this pass
                QVERIFY(kvtest::maxAbsDiff(now.queries.topRows(old), before.queries) < 1e-5f);
                QVERIFY(kvtest::maxAbsDiff(now.keys.topRows(old), before.keys) < 1e-5f);
                QVERIFY(kvtest::maxAbsDiff(now.values.topRows(old), before.values) < 1e-5f);
                QVERIFY(kvtest::maxAbsDiff(now.weights.topLeftCorner(old, old), before.weights) < 1e-5f);
                checkAttentionArithmetic(now);
            }
            previous = heads;
        }
    }

    void cachedStepReadsWhatTheUncachedStepRecomputed()
    {
        GenerationSettings settings;
        settings.stopAtEos = false;
        settings.maxNewTokens = 5;
        LazyWalkThrough walk(std::make_shared<const Transformer>(m_model), runWalkThrough(m_model, m_prompt, settings, 0),
                             settings.sampling);
        QCOMPARE(walk.stepCount(), 5);
        for (int s = 0; s < walk.stepCount(); ++s) {
            QCOMPARE(walk.run().uncached.steps[std::size_t(s)].keyTokens, walk.run().cached.steps[std::size_t(s)].keyTokens);
            const auto u = walk.heads(DecodeMode::Uncached, s);
            const auto c = walk.heads(DecodeMode::Cached, s);
            QCOMPARE(u->heads.size(), std::size_t(m_config.nLayer * m_config.nHead));
            QCOMPARE(u->heads.size(), c->heads.size());
            for (std::size_t i = 0; i < c->heads.size(); ++i) {
                QVERIFY(kvtest::maxAbsDiff(u->heads[i].keys, c->heads[i].keys) < 1e-5f);
                const auto rows = c->heads[i].queries.rows();
                QVERIFY(kvtest::maxAbsDiff(u->heads[i].queries.bottomRows(rows), c->heads[i].queries) < 1e-5f);
                QVERIFY(kvtest::maxAbsDiff(u->heads[i].output.bottomRows(rows), c->heads[i].output) < 1e-5f);
            }
        }
    }

    void stepRecordsDescribeTheStep()
    {
        GenerationSettings settings;
        settings.stopAtEos = false;
        settings.maxNewTokens = 4;
        const WalkThrough run = runWalkThrough(m_model, m_prompt, settings, 0);
        const auto generated = run.cached.generated();
        QCOMPARE(generated.size(), std::size_t(4));
        const StepRecord& prefill = run.cached.steps[0];
        QVERIFY(prefill.prefill);
        QCOMPARE(prefill.inputTokens, m_prompt);
        QCOMPARE(prefill.positions, (std::vector<int>{0, 1}));
        const StepRecord& third = run.cached.steps[3];
        QVERIFY(!third.prefill);
        QCOMPARE(third.inputTokens, std::vector<int>{generated[2]});
        QCOMPARE(third.positions, std::vector<int>{4});
        QCOMPARE(third.keyTokens, (std::vector<int>{3, 17, generated[0], generated[1], generated[2]}));
        QCOMPARE(third.cost.kvBytes, CostModel(m_config).kvBytes(5));
        const StepRecord& uncachedThird = run.uncached.steps[3];
        QCOMPARE(uncachedThird.inputTokens, third.keyTokens);
        QCOMPARE(uncachedThird.firstNewInput, 4);
        QCOMPARE(uncachedThird.cost.kvBytes, std::int64_t(0));
        for (const StepRecord& step : run.cached.steps) {
            QVERIFY(std::abs(step.probabilities.sum() - 1.0f) < 1e-5f);
            Eigen::Index best = 0;
            step.logits.maxCoeff(&best);
            QCOMPARE(step.chosenToken, int(best)); // greedy
            QVERIFY(step.cost.wallMs >= 0.0);
        }
    }

    // Eigen's vectorised exp maps the -inf mask to a subnormal; those must be
    // flushed to 0, or the weights . V product runs ~60x slower and a masked
    // weight is not the 0 the diagram claims.
    void maskedWeightsAreExactlyZeroAndNeverSubnormal()
    {
        const Transformer model = kvtest::randomTransformer(kvtest::smallConfig(1, 2, 2, 40, 23, 16));
        DecodeSession uncached(model, DecodeMode::Uncached);
        TraceRecorder recorder;
        uncached.start(kvtest::randomTokens(33, 23), &recorder);
        int masked = 0;
        for (const HeadRecord& head : recorder.take())
            for (Eigen::Index i = 0; i < head.weights.rows(); ++i)
                for (Eigen::Index j = 0; j < head.weights.cols(); ++j) {
                    const float weight = head.weights(i, j);
                    QVERIFY2(std::fpclassify(weight) != FP_SUBNORMAL, qPrintable(QString::number(weight)));
                    if (j > head.appendedFrom + i) {
                        QCOMPARE(weight, 0.0f);
                        ++masked;
                    }
                }
        QCOMPARE(masked, 2 * 33 * 32 / 2);
    }

    void noObserverRecordsNothing()
    {
        DecodeSession cached(m_model, DecodeMode::Cached);
        const ForwardResult result = cached.start(m_prompt);
        QCOMPARE(result.logits.size(), Eigen::Index(m_config.vocabSize));
    }
};

QTEST_GUILESS_MAIN(TestTrace)
#include "tst_trace.moc"
