#include "core/cache/CapacityError.h"
#include "core/model/CostModel.h"
#include "core/decode/DecodeSession.h"
#include "core/cache/KVCache.h"
#include "tests/support/TestModels.h"

#include <QtTest>

using namespace kv;

class TestKVCache : public QObject {
    Q_OBJECT

private slots:
    void appendGrowsAlongTheSequence()
    {
        KVCache cache(2, 4, 3);
        QCOMPARE(cache.length(0), 0);
        Matrix k(2, 3);
        k << 1, 2, 3, 4, 5, 6;
        Matrix v = -k;
        cache.append(0, k, v);
        QCOMPARE(cache.length(0), 2);
        QCOMPARE(cache.length(1), 0);
        Matrix k2(1, 3);
        k2 << 7, 8, 9;
        cache.append(0, k2, -k2);
        QCOMPARE(cache.length(0), 3);
        QCOMPARE(cache.keys(0).row(2), k2.row(0));
        QCOMPARE(cache.values(0).row(1), v.row(1));
        QCOMPARE(cache.keys(0).rows(), Eigen::Index(3));
    }

    void bytesAreTheAllocationAndMatchTheFormula()
    {
        const ModelConfig config = kvtest::smallConfig(3, 4, 2, 10);
        const KVCache cache = KVCache::forModel(config);
        // 2 (K and V) x 4 bytes x 3 layers x 2 kv heads x 4 head_dim x 10 tokens
        QCOMPARE(cache.bytes(), std::int64_t(2 * 4 * 3 * 2 * 4 * 10));
        QCOMPARE(cache.bytes(), CostModel(config).kvBytes(config.nPositions));
        QCOMPARE(cache.bytesInUse(), std::int64_t(0));
    }

    void bytesInUseFollowTheTokens()
    {
        const ModelConfig config = kvtest::smallConfig(2, 4, 1, 8);
        const Transformer model = kvtest::randomTransformer(config);
        DecodeSession session(model, DecodeMode::Cached);
        session.start({1, 2, 3});
        QCOMPARE(session.cache().bytesInUse(), CostModel(config).kvBytes(3));
        session.next(4);
        QCOMPARE(session.cache().bytesInUse(), CostModel(config).kvBytes(4));
        QCOMPARE(session.cache().bytesInUse(), std::int64_t(2 * 4 * 2 * 1 * 4 * 4));
    }

    void overflowIsAnErrorNotAnOverwrite()
    {
        KVCache cache(1, 2, 2);
        Matrix rows(2, 2);
        rows << 1, 2, 3, 4;
        cache.append(0, rows, rows);
        Matrix extra(1, 2);
        extra << 9, 9;
        bool thrown = false;
        try {
            cache.append(0, extra, extra);
        } catch (const CapacityError& error) {
            thrown = true;
            QVERIFY2(QString(error.what()).contains("holds 2 of 2 tokens"), error.what());
        }
        QVERIFY(thrown);
        QCOMPARE(cache.length(0), 2);
        QCOMPARE(Matrix(cache.keys(0)), rows);
    }

    void sessionPastCapacityThrows()
    {
        const ModelConfig config = kvtest::smallConfig(1, 2, 2, 4);
        const Transformer model = kvtest::randomTransformer(config);
        DecodeSession session(model, DecodeMode::Cached);
        session.start({1, 2, 3, 4});
        QVERIFY_THROWS_EXCEPTION(CapacityError, session.next(5));
        QCOMPARE(session.cache().length(), 4);
    }

    void resetForgetsTokensButKeepsTheAllocation()
    {
        KVCache cache(1, 3, 2);
        cache.append(0, Matrix::Ones(2, 2), Matrix::Ones(2, 2));
        const auto allocated = cache.bytes();
        cache.reset();
        QCOMPARE(cache.length(0), 0);
        QCOMPARE(cache.bytes(), allocated);
        cache.append(0, Matrix::Zero(3, 2), Matrix::Zero(3, 2));
        QCOMPARE(cache.length(0), 3);
    }

    void copyIsIndependent()
    {
        KVCache cache(1, 3, 2);
        cache.append(0, Matrix::Ones(1, 2), Matrix::Ones(1, 2));
        KVCache clone = cache.copy();
        clone.append(0, Matrix::Zero(1, 2), Matrix::Zero(1, 2));
        QCOMPARE(cache.length(0), 1);
        QCOMPARE(clone.length(0), 2);
    }

    // The bug the app demonstrates: a second prompt run on a cache that was
    // not reset attends to the first prompt's keys and values.
    // The contiguous cache behind the interface the forward pass uses:
    // appends, views without copies, a deep clone, truncate and reset.
    void contiguousCacheThroughTheInterface()
    {
        KVCache contiguous(2, 4, 3);
        KeyValueCache& cache = contiguous;
        const Matrix k = Matrix::Random(2, 3);
        const Matrix v = Matrix::Random(2, 3);
        cache.append(1, k, v);
        QCOMPARE(cache.length(1), 2);
        QCOMPARE(cache.length(0), 0);
        QCOMPARE(Matrix(cache.keys(1)), k);
        QCOMPARE(Matrix(cache.values(1)), v);
        const float* rows = cache.keys(1).data();
        cache.append(1, k.topRows(1), v.topRows(1));
        QCOMPARE(cache.keys(1).data(), rows); // a view of the block, which never moves
        QCOMPARE(cache.bytesInUse(), std::int64_t(2 * 3 * 3 * 4));
        QCOMPARE(cache.bytes(), std::int64_t(2 * 2 * 4 * 3 * 4));

        const std::unique_ptr<KeyValueCache> clone = cache.clone();
        cache.truncate(1);
        QCOMPARE(cache.length(1), 1);
        QCOMPARE(clone->length(1), 3);
        QCOMPARE(Matrix(clone->keys(1).topRows(2)), k);
        QVERIFY(clone->keys(1).data() != cache.keys(1).data());
        cache.reset();
        QCOMPARE(cache.length(1), 0);
        QCOMPARE(clone->length(1), 3);
    }

    void staleCacheChangesTheSecondPrompt()
    {
        const ModelConfig config = kvtest::smallConfig(2, 4, 2, 12);
        const Transformer model = kvtest::randomTransformer(config);
        const std::vector<int> first = {3, 9, 14, 2};
        const std::vector<int> second = {5, 7};

        DecodeSession fresh(model, DecodeMode::Cached);
        const RowVector clean = fresh.start(second).logits;

        DecodeSession stale(model, DecodeMode::Cached);
        stale.start(first);
        stale.next(6);
        const RowVector polluted = stale.start(second, nullptr, /*resetCache=*/false).logits;
        QCOMPARE(stale.cache().length(), 7); // 4 + 1 old tokens, then the 2 new ones
        QCOMPARE(stale.keyTokens(), (std::vector<int>{3, 9, 14, 2, 6, 5, 7}));
        QVERIFY((clean - polluted).cwiseAbs().maxCoeff() > 1e-3f);

        DecodeSession reset(model, DecodeMode::Cached);
        reset.start(first);
        const RowVector again = reset.start(second).logits;
        QCOMPARE((clean - again).cwiseAbs().maxCoeff(), 0.0f);
    }

    // The other bug: a position counter that never advances encodes every
    // decoded token at position 0.
    void frozenPositionChangesTheOutput()
    {
        const ModelConfig config = kvtest::smallConfig(2, 4, 4, 12);
        const Transformer model = kvtest::randomTransformer(config);
        DecodeSession right(model, DecodeMode::Cached);
        DecodeSession frozen(model, DecodeMode::Cached);
        frozen.setAdvancePosition(false);
        right.start({1, 2});
        frozen.start({1, 2});
        const DecodePass good = right.next(3);
        const DecodePass bad = frozen.next(3);
        QCOMPARE(good.positions, std::vector<int>{2});
        QCOMPARE(bad.positions, std::vector<int>{0});
        QVERIFY((good.logits - bad.logits).cwiseAbs().maxCoeff() > 1e-3f);
    }
};

QTEST_GUILESS_MAIN(TestKVCache)
#include "tst_kvcache.moc"
