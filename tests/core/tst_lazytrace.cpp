// The lazy trace: per-head records recomputed on demand equal the ones the
// original passes produced, number for number; deferred uncached passes equal
// eager ones; and the records held stay bounded however many are asked for.
#include "core/decode/DecodeSession.h"
#include "core/lab/Demonstrations.h"
#include "core/lab/LazyWalkThrough.h"
#include "core/util/KvError.h"
#include "tests/support/TestModels.h"
#include "core/decode/TraceGenerator.h"

#include <QtTest>

#include <cmath>

using namespace kv;

namespace {

void compareHeads(const std::vector<HeadRecord>& eager, const PassHeads& lazy, const QString& where)
{
    QVERIFY2(eager.size() == lazy.heads.size(), qPrintable(where));
    for (std::size_t i = 0; i < eager.size(); ++i) {
        const HeadRecord& a = eager[i];
        const HeadRecord& b = lazy.heads[i];
        const QString at = where + QStringLiteral(" head record %1").arg(i);
        QVERIFY2(a.layer == b.layer && a.head == b.head && a.kvHead == b.kvHead, qPrintable(at));
        QVERIFY2(a.appendedFrom == b.appendedFrom, qPrintable(at));
        // Same inputs, same kernels, same cache rows. The vector kernels may
        // peel a different number of leading floats when a buffer sits at a
        // different alignment, so sums can differ in the last bit or two.
        const float tolerance = 1e-5f;
        QVERIFY2(kvtest::maxAbsDiff(a.queries, b.queries) <= tolerance, qPrintable(at + " queries"));
        QVERIFY2(kvtest::maxAbsDiff(a.keys, b.keys) <= tolerance, qPrintable(at + " keys"));
        QVERIFY2(kvtest::maxAbsDiff(a.values, b.values) <= tolerance, qPrintable(at + " values"));
        QVERIFY2(a.scores.rows() == b.scores.rows() && a.scores.cols() == b.scores.cols(), qPrintable(at + " scores shape"));
        for (Eigen::Index k = 0; k < a.scores.size(); ++k) // masked entries are -inf on both sides
            QVERIFY2(a.scores.data()[k] == b.scores.data()[k] || std::abs(a.scores.data()[k] - b.scores.data()[k]) <= 1e-5f * std::max(1.0f, std::abs(a.scores.data()[k])),
                     qPrintable(at + " scores"));
        QVERIFY2(kvtest::maxAbsDiff(a.weights, b.weights) <= tolerance, qPrintable(at + " weights"));
        QVERIFY2(kvtest::maxAbsDiff(a.output, b.output) <= tolerance, qPrintable(at + " output"));
    }
}

// Every step's heads from `walk` against an eager trace of the same mode.
void compareTrace(const Trace& eager, LazyWalkThrough& walk, DecodeMode mode, const QString& name)
{
    QCOMPARE(int(eager.steps.size()), walk.stepCount());
    for (int s = 0; s < walk.stepCount(); ++s) {
        const auto lazy = walk.heads(mode, s);
        compareHeads(eager.steps[std::size_t(s)].heads, *lazy, name + QStringLiteral(" step %1").arg(s));
    }
}

GenerationSettings budget(int maxNew)
{
    GenerationSettings settings;
    settings.maxNewTokens = maxNew;
    settings.stopAtEos = false;
    return settings;
}

} // namespace

class TestLazyTrace : public QObject {
    Q_OBJECT

private slots:
    void lazyRecordsEqualEagerOnes_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<double>("temperature");
        QTest::newRow("tiny-mha greedy") << QStringLiteral("tiny-mha") << 0.0;
        QTest::newRow("tiny-gqa greedy") << QStringLiteral("tiny-gqa") << 0.0;
        QTest::newRow("tiny-mha sampled") << QStringLiteral("tiny-mha") << 0.9;
    }

    void lazyRecordsEqualEagerOnes()
    {
        QFETCH(QString, model);
        QFETCH(double, temperature);
        const ModelBundle& bundle = kvtest::shippedModel(model);
        GenerationSettings settings = budget(10);
        settings.sampling.temperature = float(temperature);
        settings.sampling.seed = 5;
        const std::vector<int> prompt = bundle.tokenizer->encode("I saw");
        const int eos = bundle.tokenizer->eosId();

        DecodeSession cachedSession(*bundle.model, DecodeMode::Cached);
        DecodeSession uncachedSession(*bundle.model, DecodeMode::Uncached);
        const Trace eagerCached = generateTrace(cachedSession, prompt, settings, eos, true, /*keepHeads=*/true);
        const Trace eagerUncached = generateTrace(uncachedSession, prompt, settings, eos, true, /*keepHeads=*/true);

        LazyWalkThrough walk(bundle.model,
                             runWalkThrough(*bundle.model, prompt, settings, eos, UncachedPasses::OnDemand),
                             settings.sampling);
        QCOMPARE(walk.pendingCount(), 10);
        QVERIFY(walk.run().cached.steps[3].heads.empty()); // summaries only
        compareTrace(eagerCached, walk, DecodeMode::Cached, model + " cached");
        compareTrace(eagerUncached, walk, DecodeMode::Uncached, model + " uncached");
        QCOMPARE(walk.pendingCount(), 0);

        // The deferred uncached passes are the eager ones: same logits, picks and |Δlogit|.
        for (int s = 0; s < walk.stepCount(); ++s) {
            const StepRecord& lazy = walk.step(DecodeMode::Uncached, s);
            const StepRecord& eager = eagerUncached.steps[std::size_t(s)];
            QCOMPARE(lazy.inputTokens, eager.inputTokens);
            QCOMPARE(lazy.positions, eager.positions);
            QCOMPARE(lazy.firstNewInput, eager.firstNewInput);
            QCOMPARE(lazy.keyTokens, eager.keyTokens);
            QVERIFY(kvtest::maxAbsDiff(lazy.logits, eager.logits) <= 1e-5f); // the project's invariant
            QCOMPARE(lazy.chosenToken, eager.chosenToken);
            QCOMPARE(lazy.cost.macs, eager.cost.macs);
            const float expected = (eager.logits - eagerCached.steps[std::size_t(s)].logits).cwiseAbs().maxCoeff();
            QVERIFY(std::abs(walk.run().maxAbsLogitDiff[std::size_t(s)] - expected) <= 2e-5f);
        }
        QVERIFY(walk.run().sameTokens());
    }

    void demonstrationsReplayTheirBug()
    {
        const ModelBundle& bundle = kvtest::shippedModel(QStringLiteral("tiny-mha"));
        const int eos = bundle.tokenizer->eosId();
        GenerationSettings settings = budget(4);
        settings.stopAtEos = true; // the first prompt ends at [EOS] and leaves room for the second
        const auto first = bundle.tokenizer->encode("the cat sat");
        const auto second = bundle.tokenizer->encode("I");

        // The stale cache: replays must see the rows the first prompt left.
        DecodeSession buggy(*bundle.model, DecodeMode::Cached);
        GenerationSettings firstRun = settings;
        firstRun.maxNewTokens = 0;
        generateTrace(buggy, first, firstRun, eos);
        GenerationSettings secondRun = settings; // as far as the stale rows leave room, as the demonstration does
        secondRun.maxNewTokens = std::min(4, bundle.config().nPositions - buggy.cache().length() - int(second.size()));
        const Trace eagerStale = generateTrace(buggy, second, secondRun, eos, false, /*keepHeads=*/true);
        LazyWalkThrough stale(bundle.model, runStaleCacheDemo(*bundle.model, first, second, settings, eos),
                              settings.sampling);
        QVERIFY(stale.run().staleCacheRows > 0);
        compareTrace(eagerStale, stale, DecodeMode::Cached, QStringLiteral("stale cache"));

        // The frozen position: every replayed token sits at position 0.
        DecodeSession frozenSession(*bundle.model, DecodeMode::Cached);
        frozenSession.setAdvancePosition(false);
        const Trace eagerFrozen = generateTrace(frozenSession, second, settings, eos, true, /*keepHeads=*/true);
        LazyWalkThrough frozen(bundle.model, runFrozenPositionDemo(*bundle.model, second, settings, eos),
                               settings.sampling);
        compareTrace(eagerFrozen, frozen, DecodeMode::Cached, QStringLiteral("frozen position"));
    }

    // The demonstrations with their uncached passes deferred equal the eager
    // ones, step for step, once each pass has run.
    void deferredDemonstrationsEqualEagerOnes()
    {
        const ModelBundle& bundle = kvtest::shippedModel(QStringLiteral("tiny-mha"));
        const int eos = bundle.tokenizer->eosId();
        GenerationSettings settings = budget(6);
        settings.stopAtEos = true;
        settings.sampling.temperature = 0.9f;
        settings.sampling.seed = 11;
        const auto first = bundle.tokenizer->encode("the cat sat");
        const auto second = bundle.tokenizer->encode("I");
        const WalkThrough eager[] = {runStaleCacheDemo(*bundle.model, first, second, settings, eos),
                                     runFrozenPositionDemo(*bundle.model, second, settings, eos)};
        LazyWalkThrough deferred[] = {
            {bundle.model, runStaleCacheDemo(*bundle.model, first, second, settings, eos, UncachedPasses::OnDemand),
             settings.sampling},
            {bundle.model, runFrozenPositionDemo(*bundle.model, second, settings, eos, UncachedPasses::OnDemand),
             settings.sampling}};
        for (int demo = 0; demo < 2; ++demo) {
            LazyWalkThrough& lazy = deferred[demo];
            const WalkThrough& now = eager[demo];
            QCOMPARE(lazy.pendingCount(), int(now.uncached.steps.size())); // every correct step, none run yet
            QCOMPARE(lazy.stepCount(), int(std::min(now.uncached.steps.size(), now.cached.steps.size())));
            QCOMPARE(lazy.run().cached.generated(), now.cached.generated());
            QCOMPARE(lazy.run().staleCacheRows, now.staleCacheRows);
            for (int s = 0; s < lazy.stepCount(); ++s) {
                const StepRecord& a = now.uncached.steps[std::size_t(s)];
                const StepRecord& b = lazy.step(DecodeMode::Uncached, s);
                const QString where = QStringLiteral("demo %1 step %2").arg(demo).arg(s);
                QVERIFY2(a.inputTokens == b.inputTokens && a.chosenToken == b.chosenToken, qPrintable(where));
                QVERIFY2(kvtest::maxAbsDiff(a.logits, b.logits) <= 1e-5f, qPrintable(where));
                QVERIFY2(std::abs(now.maxAbsLogitDiff[std::size_t(s)] - lazy.run().maxAbsLogitDiff[std::size_t(s)]) <= 2e-5f,
                         qPrintable(where));
            }
        }
    }

    void recordsHeldStayBounded()
    {
        const ModelConfig config = kvtest::smallConfig(3, 4, 2, 64, 23, 32);
        const auto model = std::make_shared<const Transformer>(kvtest::randomTransformer(config, 3));
        const GenerationSettings settings = budget(40);
        const std::vector<int> prompt = kvtest::randomTokens(6, 23);
        // A budget of about two uncached passes at the longest length.
        LazyWalkThrough walk(model, runWalkThrough(*model, prompt, settings, 0, UncachedPasses::OnDemand),
                             settings.sampling, 160 * 1024);
        const std::size_t budgetBytes = 160 * 1024;
        std::size_t largest = 0;
        for (int round = 0; round < 2; ++round) {
            for (int s = 0; s < walk.stepCount(); ++s) {
                for (DecodeMode mode : {DecodeMode::Cached, DecodeMode::Uncached}) {
                    largest = std::max(largest, walk.heads(mode, s)->bytes());
                    QVERIFY(walk.bytesHeld() <= budgetBytes + 2 * largest);
                }
            }
        }
        // Two rounds over 40 steps in two modes: every request ran a pass (the
        // budget holds only a few), and only a handful of records are held.
        QCOMPARE(walk.passesRun(), 2 * 2 * 40);
        QVERIFY2(walk.recordsHeld() >= 2 && walk.recordsHeld() <= 8, qPrintable(QString::number(walk.recordsHeld())));
    }

    void recentRecordsAreServedWithoutAPass()
    {
        const ModelBundle& bundle = kvtest::shippedModel(QStringLiteral("tiny-mha"));
        const GenerationSettings settings = budget(5);
        LazyWalkThrough walk(bundle.model,
                             runWalkThrough(*bundle.model, {1}, settings, bundle.tokenizer->eosId(), UncachedPasses::OnDemand),
                             settings.sampling);
        const auto first = walk.heads(DecodeMode::Cached, 2);
        const int passes = walk.passesRun();
        QCOMPARE(walk.heads(DecodeMode::Cached, 2), first); // the same record, not a new pass
        QCOMPARE(walk.passesRun(), passes);
        // Reading a pending uncached step runs its pass once.
        walk.step(DecodeMode::Uncached, 4);
        walk.step(DecodeMode::Uncached, 4);
        QCOMPARE(walk.passesRun(), passes + 1);
        QCOMPARE(walk.pendingCount(), 4);
    }

    void runPendingStopsWhenAsked()
    {
        const ModelBundle& bundle = kvtest::shippedModel(QStringLiteral("tiny-mha"));
        const GenerationSettings settings = budget(8);
        LazyWalkThrough walk(bundle.model,
                             runWalkThrough(*bundle.model, {1}, settings, bundle.tokenizer->eosId(), UncachedPasses::OnDemand),
                             settings.sampling);
        int heard = 0;
        walk.runPending([&] { return heard < 3; }, [&](int done, int total) {
            heard = done;
            QCOMPARE(total, 8);
        });
        QCOMPARE(heard, 3);
        QCOMPARE(walk.pendingCount(), 5);
        QVERIFY(std::isnan(walk.run().maxAbsLogitDiff[5]));
        QVERIFY(!std::isnan(walk.run().maxAbsLogitDiff[2]));
    }

    // A walk-through fed step by step, as the window's generation thread
    // feeds it, equals the one generated whole: summaries, cache rows, and
    // what every head saw in both modes.
    void growingWalkThroughEqualsTheWholeOne()
    {
        const ModelBundle& bundle = kvtest::shippedModel(QStringLiteral("tiny-gqa"));
        GenerationSettings settings = budget(9);
        settings.sampling.temperature = 0.8f;
        settings.sampling.seed = 3;
        const std::vector<int> prompt = bundle.tokenizer->encode("the cat sat");
        const int eos = bundle.tokenizer->eosId();
        LazyWalkThrough whole(bundle.model, runWalkThrough(*bundle.model, prompt, settings, eos, UncachedPasses::OnDemand),
                              settings.sampling);

        LazyWalkThrough growing(bundle.model, prompt, 9, settings.sampling);
        QCOMPARE(growing.stepCount(), 0);
        DecodeSession session(*bundle.model, DecodeMode::Cached);
        std::vector<int> heardHeads;
        const int generated = generateSteps(session, prompt, settings, eos, [&](StepRecord&& step, const DecodeSession& ran) {
            heardHeads.push_back(int(step.heads.size()));
            KVCache rows = LazyWalkThrough::rowsAppended(ran.cache(), step);
            growing.append(std::move(step), rows);
            return true;
        });
        QCOMPARE(generated, 9);
        QCOMPARE(heardHeads, std::vector<int>(9, 0)); // summaries only
        QCOMPARE(growing.stepCount(), whole.stepCount());
        QCOMPARE(growing.pendingCount(), 9);
        QCOMPARE(growing.run().cached.generated(), whole.run().cached.generated());
        const KVCache& grown = *growing.run().cachedCache;
        const KVCache& final = *whole.run().cachedCache;
        for (int layer = 0; layer < final.layers(); ++layer) {
            QCOMPARE(grown.length(layer), final.length(layer));
            QCOMPARE(kvtest::maxAbsDiff(grown.keys(layer), final.keys(layer)), 0.0f);
            QCOMPARE(kvtest::maxAbsDiff(grown.values(layer), final.values(layer)), 0.0f);
        }
        for (int s = 0; s < whole.stepCount(); ++s) {
            for (DecodeMode mode : {DecodeMode::Cached, DecodeMode::Uncached}) {
                const StepRecord& a = whole.step(mode, s);
                const StepRecord& b = growing.step(mode, s);
                const QString where = QStringLiteral("step %1 mode %2").arg(s).arg(int(mode));
                QVERIFY2(a.inputTokens == b.inputTokens && a.positions == b.positions && a.keyTokens == b.keyTokens,
                         qPrintable(where));
                QVERIFY2(a.chosenToken == b.chosenToken && a.cost.macs == b.cost.macs, qPrintable(where));
                QVERIFY2(kvtest::maxAbsDiff(a.logits, b.logits) <= 1e-5f, qPrintable(where));
                compareHeads(whole.heads(mode, s)->heads, *growing.heads(mode, s), where);
            }
            QVERIFY(std::abs(growing.run().maxAbsLogitDiff[std::size_t(s)] - whole.run().maxAbsLogitDiff[std::size_t(s)])
                    <= 2e-5f);
        }
    }

    void generationStopsWhenTheSinkSaysSo()
    {
        const ModelBundle& bundle = kvtest::shippedModel(QStringLiteral("tiny-mha"));
        const std::vector<int> prompt = bundle.tokenizer->encode("I");
        LazyWalkThrough growing(bundle.model, prompt, 12, {});
        DecodeSession session(*bundle.model, DecodeMode::Cached);
        const int generated = generateSteps(session, prompt, budget(12), bundle.tokenizer->eosId(),
                                            [&](StepRecord&& step, const DecodeSession& ran) {
                                                KVCache rows = LazyWalkThrough::rowsAppended(ran.cache(), step);
                                                growing.append(std::move(step), rows);
                                                return growing.stepCount() < 4;
                                            });
        QCOMPARE(generated, 4);
        QCOMPARE(growing.stepCount(), 4);
        QCOMPARE(session.cache().length(), int(prompt.size()) + 3);
        QCOMPARE(growing.run().cachedCache->length(), int(prompt.size()) + 3);
    }

    void appendRefusesAStepOutOfOrder()
    {
        const ModelBundle& bundle = kvtest::shippedModel(QStringLiteral("tiny-mha"));
        const std::vector<int> prompt = bundle.tokenizer->encode("I");
        const GenerationSettings settings = budget(3);
        DecodeSession session(*bundle.model, DecodeMode::Cached);
        const Trace trace = generateTrace(session, prompt, settings, bundle.tokenizer->eosId());
        LazyWalkThrough growing(bundle.model, prompt, 3, {});
        const KVCache noRows(bundle.config().nLayer, 1, bundle.config().kvDim());
        QVERIFY_THROWS_EXCEPTION(KvError, growing.append(trace.steps[1], noRows));
        LazyWalkThrough whole(bundle.model,
                              runWalkThrough(*bundle.model, prompt, settings, bundle.tokenizer->eosId(), UncachedPasses::OnDemand),
                              {});
        QVERIFY_THROWS_EXCEPTION(KvError, whole.append(trace.steps[0], noRows));
    }
};

QTEST_GUILESS_MAIN(TestLazyTrace)
#include "tst_lazytrace.moc"
