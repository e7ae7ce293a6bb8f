#include "core/util/KvError.h"
#include "core/decode/Sampler.h"

#include <QtTest>

#include <numeric>

using namespace kv;

namespace {

RowVector logitsOf(std::initializer_list<float> values)
{
    RowVector logits(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (float v : values)
        logits(i++) = v;
    return logits;
}

std::vector<int> draw(const SamplingSettings& settings, const RowVector& logits, int count)
{
    Sampler sampler(settings);
    std::vector<int> picks;
    for (int i = 0; i < count; ++i)
        picks.push_back(sampler.pick(logits));
    return picks;
}

} // namespace

class TestSampler : public QObject {
    Q_OBJECT

private:
    RowVector m_logits = logitsOf({1.0f, 3.0f, 2.5f, -1.0f, 0.0f});

private slots:
    void greedyTakesTheArgmax()
    {
        QCOMPARE(draw(SamplingSettings{}, m_logits, 5), std::vector<int>(5, 1));
        const auto distribution = Sampler(SamplingSettings{}).distribution(m_logits);
        QCOMPARE(distribution, (std::vector<double>{0, 1, 0, 0, 0}));
    }

    void sameSeedSameSequence()
    {
        const SamplingSettings settings{1.0f, 0, 1.0f, 1234};
        QCOMPARE(draw(settings, m_logits, 50), draw(settings, m_logits, 50));
        SamplingSettings other = settings;
        other.seed = 4321;
        QVERIFY(draw(settings, m_logits, 50) != draw(other, m_logits, 50));
    }

    void temperatureOneIsTheSoftmax()
    {
        const auto distribution = Sampler(SamplingSettings{1.0f, 0, 1.0f, 0}).distribution(m_logits);
        const RowVector exps = m_logits.array().exp();
        for (int i = 0; i < 5; ++i)
            QVERIFY(std::abs(distribution[std::size_t(i)] - exps(i) / exps.sum()) < 1e-6);
    }

    void frequenciesFollowTheDistribution()
    {
        const SamplingSettings settings{1.0f, 0, 1.0f, 99};
        const auto expected = Sampler(settings).distribution(m_logits);
        std::vector<int> counts(5, 0);
        for (int pick : draw(settings, m_logits, 20000))
            ++counts[std::size_t(pick)];
        for (int i = 0; i < 5; ++i)
            QVERIFY2(std::abs(counts[std::size_t(i)] / 20000.0 - expected[std::size_t(i)]) < 0.015,
                     qPrintable(QString("token %1: %2 vs %3").arg(i).arg(counts[std::size_t(i)] / 20000.0).arg(expected[std::size_t(i)])));
    }

    void topKKeepsOnlyTheLikeliest()
    {
        const auto distribution = Sampler(SamplingSettings{1.0f, 2, 1.0f, 0}).distribution(m_logits);
        QCOMPARE(distribution[0], 0.0);
        QCOMPARE(distribution[3], 0.0);
        QCOMPARE(distribution[4], 0.0);
        QVERIFY(std::abs(distribution[1] + distribution[2] - 1.0) < 1e-12);
        for (int pick : draw(SamplingSettings{1.0f, 2, 1.0f, 5}, m_logits, 200))
            QVERIFY(pick == 1 || pick == 2);
        QCOMPARE(draw(SamplingSettings{1.0f, 1, 1.0f, 5}, m_logits, 20), std::vector<int>(20, 1));
    }

    void topPKeepsTheSmallestNucleus()
    {
        // softmax of the logits: token 1 holds ~0.53, tokens 1+2 ~0.85
        const auto narrow = Sampler(SamplingSettings{1.0f, 0, 0.5f, 0}).distribution(m_logits);
        QCOMPARE(narrow[1], 1.0);
        const auto wider = Sampler(SamplingSettings{1.0f, 0, 0.8f, 0}).distribution(m_logits);
        QVERIFY(wider[1] > 0.5 && wider[2] > 0.3);
        QCOMPARE(wider[0] + wider[3] + wider[4], 0.0);
    }

    void lowTemperatureSharpens()
    {
        const auto cold = Sampler(SamplingSettings{0.1f, 0, 1.0f, 0}).distribution(m_logits);
        const auto hot = Sampler(SamplingSettings{5.0f, 0, 1.0f, 0}).distribution(m_logits);
        QVERIFY(cold[1] > 0.99);
        QVERIFY(hot[1] < 0.35 && hot[3] > 0.1);
    }

    // Item 4: what a step records is the distribution the token was drawn
    // from, after temperature, top-k and top-p, not the model's softmax.
    void describeReportsTheDistributionDrawnFrom()
    {
        const SamplingSettings settings{2.5f, 3, 1.0f, 7};
        const Sampler sampler(settings);
        const auto drawn = sampler.distribution(m_logits);
        const SampledDistribution described = sampler.describe(m_logits, 0, 4);
        QCOMPARE(described.tokens, (std::vector<int>{1, 2, 0, 4}));
        QCOMPARE(described.kept, 3);
        QCOMPARE(described.vocabulary, 5);
        QVERIFY(described.filtered());
        for (std::size_t i = 0; i < described.tokens.size(); ++i)
            QCOMPARE(described.drawProbability[i], float(drawn[std::size_t(described.tokens[i])]));
        QCOMPARE(described.drawProbability[3], 0.0f); // cut off by top-k
        const RowVector exps = m_logits.array().exp();
        QVERIFY(std::abs(described.modelProbability[0] - exps(1) / exps.sum()) < 1e-6);
        QCOMPARE(described.chosenToken, 0);
        QCOMPARE(described.chosenRank, 2);
        QCOMPARE(described.chosenDrawProbability, float(drawn[0]));
        QVERIFY(std::abs(described.chosenModelProbability - exps(0) / exps.sum()) < 1e-6);
        // Temperature flattens: the drawn distribution is not the model's.
        QVERIFY(described.chosenDrawProbability > described.chosenModelProbability + 0.05f);
    }

    void describeOutsideTheCandidatesStillCarriesTheDrawnToken()
    {
        const Sampler sampler(SamplingSettings{4.0f, 0, 1.0f, 1});
        const SampledDistribution described = sampler.describe(m_logits, 3, 2);
        QCOMPARE(described.tokens.size(), std::size_t(2));
        QCOMPARE(described.chosenRank, 4);
        QCOMPARE(described.chosenDrawProbability, float(sampler.distribution(m_logits)[3]));
        QVERIFY(described.chosenDrawProbability > 0.05f);
        QVERIFY(!described.filtered());
    }

    void rejectsNonsense()
    {
        QVERIFY_THROWS_EXCEPTION(KvError, Sampler(SamplingSettings{1.0f, 0, 0.0f, 0}));
        QVERIFY_THROWS_EXCEPTION(KvError, Sampler(SamplingSettings{1.0f, -3, 1.0f, 0}));
    }
};

QTEST_GUILESS_MAIN(TestSampler)
#include "tst_sampler.moc"
