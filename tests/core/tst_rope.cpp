// Rotary position embeddings: the rotation's own properties, and the cache
// holding keys already rotated (so a frozen position counter rotates every
// key to position 0).
#include "core/decode/DecodeSession.h"
#include "core/lab/Demonstrations.h"
#include "core/tensor/RotaryTable.h"
#include "tests/support/TestModels.h"

#include <QtTest>

#include <random>

using namespace kv;

namespace {

constexpr int kHeadDim = 16;

Matrix randomRows(int rows, int cols, std::uint64_t seed)
{
    std::mt19937_64 generator(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Matrix x(rows, cols);
    for (Eigen::Index i = 0; i < x.size(); ++i)
        x.data()[i] = normal(generator);
    return x;
}

// The interleaved dimension order turned into the half-split one, per head:
// dimension 2i goes to i, 2i+1 to i + head_dim/2.
Matrix interleavedToHalf(const Matrix& x, int headDim)
{
    Matrix y(x.rows(), x.cols());
    for (Eigen::Index head = 0; head < x.cols(); head += headDim)
        for (int i = 0; i < headDim / 2; ++i) {
            y.col(head + i) = x.col(head + 2 * i);
            y.col(head + headDim / 2 + i) = x.col(head + 2 * i + 1);
        }
    return y;
}

// The layer-0 key (before RoPE) of `token` alone: it depends on nothing else.
Matrix unrotatedKey(const Transformer& model, int token)
{
    struct KeyCatcher : ForwardObserver {
        Matrix key;
        void onHead(HeadRecord&&) override {}
        void onStage(int layer, ForwardStage stage, const Eigen::Ref<const Matrix>& value) override
        {
            if (layer == 0 && stage == ForwardStage::KBeforeRope)
                key = value;
        }
    } catcher;
    model.forward(std::vector<int>{token}, std::vector<int>{0}, nullptr, &catcher);
    return catcher.key;
}

} // namespace

class TestRope : public QObject {
    Q_OBJECT

private slots:
    void positionZeroIsTheIdentity_data()
    {
        QTest::addColumn<int>("layout");
        QTest::newRow("interleaved") << int(RopeLayout::Interleaved);
        QTest::newRow("half-split") << int(RopeLayout::HalfSplit);
    }

    void positionZeroIsTheIdentity()
    {
        QFETCH(int, layout);
        const RotaryTable table(16, kHeadDim, 10000.0f, static_cast<RopeLayout>(layout));
        const Matrix x = randomRows(3, 3 * kHeadDim, 1);
        Matrix rotated = x;
        table.rotate(rotated, std::vector<int>{0, 0, 0});
        QCOMPARE(kvtest::maxAbsDiff(rotated, x), 0.0f);
        // Any other position moves it, and keeps each pair's length.
        table.rotate(rotated, std::vector<int>{1, 5, 15});
        QVERIFY(kvtest::maxAbsDiff(rotated, x) > 0.1f);
        QVERIFY(std::abs(rotated.norm() - x.norm()) < 1e-4f);
    }

    void layoutsAgreeAfterThePermutation()
    {
        const RotaryTable interleaved(16, kHeadDim, 10000.0f, RopeLayout::Interleaved);
        const RotaryTable half(16, kHeadDim, 10000.0f, RopeLayout::HalfSplit);
        const Matrix x = randomRows(4, 2 * kHeadDim, 2);
        const std::vector<int> positions{0, 3, 7, 15};
        Matrix a = x;
        interleaved.rotate(a, positions);
        Matrix b = interleavedToHalf(x, kHeadDim);
        half.rotate(b, positions);
        QCOMPARE(kvtest::maxAbsDiff(interleavedToHalf(a, kHeadDim), b), 0.0f);
        // Without the permutation they are different rotations.
        Matrix c = x;
        half.rotate(c, positions);
        QVERIFY(kvtest::maxAbsDiff(a, c) > 0.1f);
    }

    // q at m and k at n: q.k depends on m - n alone, which is why a key
    // rotated once, when it is cached, serves every later query.
    void dotProductDependsOnlyOnTheDistance_data()
    {
        positionZeroIsTheIdentity_data();
    }

    void dotProductDependsOnlyOnTheDistance()
    {
        QFETCH(int, layout);
        const RotaryTable table(64, kHeadDim, 10000.0f, static_cast<RopeLayout>(layout));
        const Matrix q = randomRows(1, kHeadDim, 3);
        const Matrix k = randomRows(1, kHeadDim, 4);
        auto dot = [&](int m, int n) {
            Matrix a = q, b = k;
            table.rotate(a, std::vector<int>{m});
            table.rotate(b, std::vector<int>{n});
            return a.row(0).dot(b.row(0));
        };
        const float atThree = dot(3, 0);
        for (int n : {1, 9, 30, 60})
            QVERIFY2(std::abs(dot(n + 3, n) - atThree) < 1e-4f, qPrintable(QString("n = %1").arg(n)));
        QVERIFY(std::abs(dot(5, 0) - atThree) > 1e-2f);
    }

    // A cached key is rotated to its token's position when it is written:
    // layer 0's row r is the token's key turned by r, never again after.
    void theCacheHoldsRotatedKeys()
    {
        const ModelBundle& bundle = kvtest::shippedModel("tiny-llama");
        const Transformer& model = *bundle.model;
        const ModelConfig& config = model.config();
        const RotaryTable table(config.nPositions, config.headDim(), config.ropeTheta, config.ropeLayout);
        DecodeSession session(model, DecodeMode::Cached);
        const std::vector<int> tokens = bundle.tokenizer->encode("I saw a beautiful car");
        session.start({tokens[0], tokens[1]});
        for (std::size_t t = 2; t < tokens.size(); ++t)
            session.next(tokens[t]);
        for (int row = 0; row < static_cast<int>(tokens.size()); ++row) {
            Matrix expected = unrotatedKey(model, tokens[std::size_t(row)]);
            table.rotate(expected, std::vector<int>{row});
            QVERIFY2(kvtest::maxAbsDiff(session.cache().keys(0).row(row), expected) < 1e-6f,
                     qPrintable(QString("row %1").arg(row)));
        }
    }

    // The frozen-position demonstration through the same position argument:
    // every token is fed at position 0, so every cached key is rotated to 0 —
    // its unrotated value — while the correct run's keys carry their positions.
    void frozenPositionRotatesEveryKeyToZero()
    {
        const ModelBundle& bundle = kvtest::shippedModel("tiny-llama");
        const Transformer& model = *bundle.model;
        const WalkThrough run = runFrozenPositionDemo(model, bundle.tokenizer->encode("I"), {}, bundle.tokenizer->eosId());
        const KVCache& frozen = *run.cachedCache;
        QVERIFY(frozen.length() >= 3);
        const std::vector<int>& keyTokens = run.cached.steps.back().keyTokens;
        for (int row = 0; row < frozen.length(); ++row) {
            const Matrix unrotated = unrotatedKey(model, keyTokens[std::size_t(row)]);
            QVERIFY2(kvtest::maxAbsDiff(frozen.keys(0).row(row), unrotated) < 1e-6f,
                     qPrintable(QString("row %1 is not at position 0").arg(row)));
        }
        for (const StepRecord& step : run.cached.steps)
            QCOMPARE(step.positions, std::vector<int>{0});
        // The bug shows: the frozen run's logits part from the correct run's.
        QVERIFY(run.worstLogitDiff() > 1e-2f);
    }
};

QTEST_GUILESS_MAIN(TestRope)
#include "tst_rope.moc"
