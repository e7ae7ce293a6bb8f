#include "core/lab/BandwidthProbe.h"
#include "core/lab/BenchmarkError.h"
#include "core/lab/BenchmarkRunner.h"
#include "core/model/CostModel.h"
#include "core/model/ModelWeights.h"
#include "core/model/Transformer.h"

#include <QtTest>

#include <algorithm>
#include <numeric>

using namespace kv;

Q_DECLARE_METATYPE(kv::MachineRates)

// The timed run of both decode paths, on the tiny shape. Wall times are
// reported, never asserted; the counts, the order and the arithmetic are.
class TestBenchmark : public QObject {
    Q_OBJECT

private:
    // Fixed rates keep the suite quick; measuring them has its own test.
    inline static const MachineRates kRates = MachineRates::uniform(10.0, 5.0);

    static std::int64_t sumMacs(const std::vector<BenchmarkStep>& steps)
    {
        return std::accumulate(steps.begin(), steps.end(), std::int64_t(0),
                               [](std::int64_t total, const BenchmarkStep& step) { return total + step.macs; });
    }

    static double sumOf(const std::vector<BenchmarkStep>& steps, double (*value)(const BenchmarkStep&))
    {
        double total = 0.0;
        for (const BenchmarkStep& step : steps)
            total += value(step);
        return total;
    }

private slots:
    void shapesByName_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("name");
        QTest::addColumn<qlonglong>("parameters");
        // Per layer 12 d^2 + 13 d; plus (vocab + context) x d embeddings and 2 d for ln_f.
        QTest::newRow("tiny, the shipped shape") << "tiny" << "tiny" << qlonglong(2 * (12 * 32 * 32 + 13 * 32) + (149 + 16) * 32 + 64);
        QTest::newRow("small, ~10M") << "Small" << "small" << qlonglong(10'183'680);
        QTest::newRow("GPT-2 small, 124M") << "GPT2_small" << "gpt2-small" << qlonglong(124'439'808);
        // llama2.c's stories15M: 32000 x 288 tied table; per layer 4 x 288^2 attention,
        // 3 x 288 x 768 SwiGLU and two RMSNorm gains; a final gain.
        QTest::newRow("llama2.c stories15M")
            << "stories15M" << "stories15m"
            << qlonglong(32000LL * 288 + 6 * (4 * 288 * 288 + 3 * 288 * 768 + 2 * 288) + 288);
    }

    void shapesByName()
    {
        QFETCH(QString, typed);
        QFETCH(QString, name);
        QFETCH(qlonglong, parameters);
        const BenchmarkShape shape = BenchmarkShape::get(typed.toStdString());
        QCOMPARE(QString::fromStdString(shape.name), name);
        QCOMPARE(shape.parameters(), parameters);
    }

    void tinyShapeIsTheShippedOne()
    {
        const ModelConfig config = BenchmarkShape::get("tiny").config;
        QCOMPARE(config.nLayer, 2);
        QCOMPARE(config.nEmbd, 32);
        QCOMPARE(config.nHead, 4);
        QCOMPARE(config.nKvHead, 4);
        QCOMPARE(config.nPositions, 16);
        QCOMPARE(config.vocabSize, 149);
    }

    void parameterCountEqualsTheRealTensors()
    {
        const BenchmarkShape shape = BenchmarkShape::get("tiny");
        std::int64_t elements = 0;
        for (const auto& [name, tensor] : ModelWeights::random(shape.config, 1).toTensors(shape.config))
            elements += static_cast<std::int64_t>(tensor.second.size()); // (shape, values)
        QCOMPARE(elements, shape.parameters());
    }

    void unknownShapeListsTheNames()
    {
        try {
            BenchmarkShape::get("gpt5");
            QFAIL("no error");
        } catch (const BenchmarkError& error) {
            const QString message = QString::fromUtf8(error.what());
            QVERIFY2(message.contains("gpt5") && message.contains("tiny, small, gpt2-small"), error.what());
        }
    }

    void badInputsThrow_data()
    {
        QTest::addColumn<int>("promptTokens");
        QTest::addColumn<int>("newTokens");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no prompt") << 0 << 5 << "got 0";
        QTest::newRow("no new token") << 1 << 0 << "got 0";
        QTest::newRow("negative") << 1 << -3 << "got -3";
        QTest::newRow("past the context") << 4 << 13 << "4 prompt tokens + 13 new tokens do not fit the 16-token context";
    }

    void badInputsThrow()
    {
        QFETCH(int, promptTokens);
        QFETCH(int, newTokens);
        QFETCH(QString, mentions);
        try {
            BenchmarkRunner(BenchmarkShape::get("tiny"), promptTokens, newTokens);
            QFAIL("no error");
        } catch (const BenchmarkError& error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(mentions), error.what());
        }
    }

    void wholeContextIsAllowed()
    {
        const BenchmarkRunner runner(BenchmarkShape::get("tiny"), 4, 12);
        QCOMPARE(runner.run(kRates).comparedSteps(), 12);
    }

    void oneCallbackPerStepAndPathWithTheModelsMacs()
    {
        const BenchmarkRunner runner(BenchmarkShape::get("tiny"), 3, 6);
        std::vector<BenchmarkStep> received;
        const BenchmarkSummary summary = runner.run(kRates, [&](const BenchmarkStep& step) {
            received.push_back(step);
            return true;
        });
        QVERIFY(!summary.cancelled);
        QCOMPARE(received.size(), std::size_t(12));
        QCOMPARE(summary.cachedSteps.size(), std::size_t(6));
        QCOMPARE(summary.uncachedSteps.size(), std::size_t(6));

        const CostModel costs(runner.shape().config);
        for (int i = 0; i < 6; ++i) {
            // Interleaved: step i of the cached path, then step i without the cache.
            const BenchmarkStep& cached = received[static_cast<std::size_t>(2 * i)];
            const BenchmarkStep& uncached = received[static_cast<std::size_t>(2 * i + 1)];
            QCOMPARE(cached.path, DecodeMode::Cached);
            QCOMPARE(uncached.path, DecodeMode::Uncached);
            QCOMPARE(cached.step, i);
            QCOMPARE(uncached.step, i);
            QCOMPARE(cached.totalSteps, 6);
            const std::int64_t length = 3 + i;
            QCOMPARE(cached.sequenceLength, int(length));
            QCOMPARE(uncached.sequenceLength, int(length));
            QCOMPARE(cached.tokensIn, i == 0 ? 3 : 1);
            QCOMPARE(uncached.tokensIn, int(length));
            QCOMPARE(cached.macs, (i == 0 ? costs.prefill(3) : costs.cachedStep(length)).total());
            QCOMPARE(uncached.macs, costs.uncachedStep(length).total());
            QVERIFY(cached.wallMs >= 0.0 && uncached.wallMs >= 0.0);
            QCOMPARE(summary.cachedSteps[static_cast<std::size_t>(i)].macs, cached.macs);
        }
    }

    void bothPathsChooseTheSameTokens()
    {
        const BenchmarkSummary summary = BenchmarkRunner(BenchmarkShape::get("tiny"), 2, 8).run(kRates);
        for (int i = 0; i < 8; ++i)
            QCOMPARE(summary.cachedSteps[static_cast<std::size_t>(i)].token,
                     summary.uncachedSteps[static_cast<std::size_t>(i)].token);
    }

    void bytesAndRooflineOfAStep()
    {
        const BenchmarkRunner runner(BenchmarkShape::get("tiny"), 2, 4);
        const BenchmarkSummary summary = runner.run(kRates);
        const BenchmarkShape& shape = runner.shape();
        // Everything but the unused rows of the 16 x 32 position table, in float32.
        const std::int64_t weightBytes = (shape.parameters() - 16 * 32 + 32) * 4;
        const BenchmarkStep& cached = summary.cachedSteps[2];
        const BenchmarkStep& uncached = summary.uncachedSteps[2];
        QCOMPARE(cached.bytesRead, weightBytes + CostModel(shape.config).kvBytes(4));
        QCOMPARE(uncached.bytesRead, weightBytes + 3 * 32 * 4);
        QCOMPARE(cached.computeMs, 2.0 * double(cached.macs) / 10e6);
        QCOMPARE(cached.memoryMs, double(cached.bytesRead) / 5e6);
        // A one-row pass of the tiny shape: every operation is bound by memory,
        // so the sum of the operations' limits is the whole pass's bytes.
        QCOMPARE(cached.operationsMs, cached.memoryMs);
        QCOMPARE(cached.rooflineMs(), std::max(cached.computeMs, cached.memoryMs));
    }

    // The operations of a pass, counted by hand for the tiny shape (2 layers,
    // d = 32, 4 heads of 8, vocabulary 149): their flops add up to twice the
    // pass's multiply-adds and their bytes to the bytes it reads.
    void operationsAddUpToThePass()
    {
        const BenchmarkRunner runner(BenchmarkShape::get("tiny"), 2, 4);
        const ModelConfig& config = runner.shape().config;
        const auto find = [](const std::vector<BenchmarkOperation>& ops, const std::string& name) {
            const auto found = std::find_if(ops.begin(), ops.end(), [&](const auto& op) { return op.name == name; });
            return found == ops.end() ? BenchmarkOperation{"missing", -1.0, -1.0} : *found;
        };
        for (const auto& [path, tokensIn] : {std::pair{DecodeMode::Cached, 1}, std::pair{DecodeMode::Uncached, 5}}) {
            const std::vector<BenchmarkOperation> ops = runner.operations(path, tokensIn, 5);
            QCOMPARE(ops.size(), std::size_t(1 + 2 * 7 + 2));
            double flops = 0.0;
            double bytes = 0.0;
            for (const BenchmarkOperation& op : ops) {
                flops += op.flops;
                bytes += op.bytes;
            }
            QCOMPARE(flops, 2.0 * double(CostModel(config).forward(tokensIn, 5).total()));
            QCOMPARE(bytes, double(runner.bytesRead(path, tokensIn, 5)));

            const BenchmarkOperation fc = find(ops, "layer 1 mlp.c_fc");
            QCOMPARE(fc.flops, 2.0 * tokensIn * 32 * 128);
            QCOMPARE(fc.bytes, (32.0 * 128 + 128) * 4);
            const BenchmarkOperation qkv = find(ops, "layer 0 attn.c_attn");
            QCOMPARE(qkv.flops, 2.0 * tokensIn * 32 * 96);
            QCOMPARE(qkv.bytes, (32.0 * 96 + 96) * 4);
            // Scores and mix over 5 keys, 4 heads of 8; with the cache, K and V of 5 tokens.
            const BenchmarkOperation attention = find(ops, "layer 0 attention");
            QCOMPARE(attention.flops, 2.0 * 2 * 4 * tokensIn * 5 * 8);
            QCOMPARE(attention.bytes, path == DecodeMode::Cached ? 2.0 * 5 * 32 * 4 : 0.0);
            const BenchmarkOperation head = find(ops, "lm_head");
            QCOMPARE(head.flops, 2.0 * 32 * 149);
            QCOMPARE(head.bytes, 149.0 * 32 * 4);
            QCOMPARE(find(ops, "ln_f").bytes, 2.0 * 32 * 4);
            // Every weight once, the position table only at the rows the pass uses.
            QCOMPARE(runner.bytesRead(DecodeMode::Uncached, tokensIn, 5),
                     (runner.shape().parameters() - 16 * 32 + tokensIn * 32) * 4);
        }
    }

    // A Llama shape (llama2.c's stories15M): no position rows, RoPE on q and
    // k, three SwiGLU products without biases, RMSNorm gains only.
    void llamaOperationsAddUpToThePass()
    {
        const BenchmarkRunner runner(BenchmarkShape::get("stories15m"), 1, 4);
        const ModelConfig& config = runner.shape().config;
        const auto named = [](const std::vector<BenchmarkOperation>& ops, const std::string& name) {
            return std::count_if(ops.begin(), ops.end(), [&](const auto& op) { return op.name == name; });
        };
        const auto find = [](const std::vector<BenchmarkOperation>& ops, const std::string& name) {
            const auto found = std::find_if(ops.begin(), ops.end(), [&](const auto& op) { return op.name == name; });
            return found == ops.end() ? BenchmarkOperation{"missing", -1.0, -1.0} : *found;
        };
        for (const auto& [path, tokensIn] : {std::pair{DecodeMode::Cached, 1}, std::pair{DecodeMode::Uncached, 7}}) {
            const std::vector<BenchmarkOperation> ops = runner.operations(path, tokensIn, 7);
            QCOMPARE(ops.size(), std::size_t(6 * 9 + 2));
            QCOMPARE(named(ops, "wpe rows"), 0);
            double flops = 0.0;
            for (const BenchmarkOperation& op : ops)
                flops += op.flops;
            QCOMPARE(flops, 2.0 * double(CostModel(config).forward(tokensIn, 7).total()));
            QCOMPARE(find(ops, "layer 5 mlp.gate_proj").bytes, 288.0 * 768 * 4);
            QCOMPARE(find(ops, "layer 5 mlp.down_proj").flops, 2.0 * tokensIn * 768 * 288);
            QCOMPARE(find(ops, "layer 0 self_attn.qkv_proj").bytes, 288.0 * 864 * 4);
            QCOMPARE(find(ops, "layer 0 rope").flops, 2.0 * 2 * tokensIn * (288 + 288));
            QCOMPARE(find(ops, "layer 0 input_layernorm").bytes, 288.0 * 4);
            // Tied: the LM head streams the table the embedding picks its rows from.
            QCOMPARE(double(runner.bytesRead(DecodeMode::Uncached, tokensIn, 7)), double(runner.shape().parameters()) * 4);
        }
    }

    // A loaded model is timed as it is: the same weights as the shape's
    // random ones choose the same tokens, under the model's name.
    void aLoadedModelIsTimedWithItsOwnWeights()
    {
        const ModelConfig config = BenchmarkShape::get("tiny").config;
        const auto same = std::make_shared<const Transformer>(config, ModelWeights::random(config, BenchmarkRunner::kWeightSeed));
        const auto other = std::make_shared<const Transformer>(config, ModelWeights::random(config, 5, 1.0f));
        const BenchmarkRunner shapeRunner(BenchmarkShape::get("tiny"), 2, 8);
        const BenchmarkRunner sameRunner("models/tiny", same, 2, 8);
        const BenchmarkRunner otherRunner("models/other", other, 2, 8);
        QVERIFY(!shapeRunner.usesLoadedModel());
        QVERIFY(sameRunner.usesLoadedModel());
        QCOMPARE(sameRunner.shape().name, std::string("models/tiny"));
        const auto tokens = [](const BenchmarkSummary& summary) {
            std::vector<int> ids;
            for (const BenchmarkStep& step : summary.cachedSteps)
                ids.push_back(step.token);
            return ids;
        };
        const std::vector<int> expected = tokens(shapeRunner.run(kRates));
        QCOMPARE(tokens(sameRunner.run(kRates)), expected);
        QVERIFY(tokens(otherRunner.run(kRates)) != expected);
    }

    // Many rows: the products are bound by arithmetic, the one-row LM head by
    // memory, and the pass's roofline is each at its own limit, one after the
    // other, which is more than either total alone.
    void aPassIsPricedOperationByOperation()
    {
        const BenchmarkRunner runner(BenchmarkShape::get("tiny"), 8, 4);
        const BenchmarkSummary summary = runner.run(kRates);
        const BenchmarkStep& step = summary.uncachedSteps[3];
        QCOMPARE(step.tokensIn, 11);
        double expected = 0.0;
        for (const BenchmarkOperation& op : runner.operations(DecodeMode::Uncached, 11, 11))
            expected += std::max(op.flops / 10e6, op.bytes / 5e6);
        QCOMPARE(step.operationsMs, expected);
        QCOMPARE(step.rooflineMs(), step.operationsMs);
        QVERIFY(step.operationsMs > std::max(step.computeMs, step.memoryMs));
        QVERIFY(step.operationsMs < step.computeMs + step.memoryMs);
        // The LM head alone: 2 x 32 x 149 flops (0.95 us) against 149 x 32 x 4 bytes (3.8 us).
        const BenchmarkOperation head = runner.operations(DecodeMode::Uncached, 11, 11).back();
        QCOMPARE(head.rooflineMs(10.0, 5.0), 149.0 * 32 * 4 / 5e6);
    }

    void summaryIsConsistentWithTheSteps()
    {
        const BenchmarkSummary summary = BenchmarkRunner(BenchmarkShape::get("tiny"), 1, 10).run(kRates);
        const auto& cached = summary.cachedSteps;
        const auto& uncached = summary.uncachedSteps;
        QCOMPARE(summary.comparedSteps(), 10);
        QCOMPARE(summary.rates.peakGflops(), kRates.peakGflops());
        QCOMPARE(summary.prefillMs(), cached.front().wallMs);

        const auto wall = [](const BenchmarkStep& step) { return step.wallMs; };
        const auto roofline = [](const BenchmarkStep& step) { return step.rooflineMs(); };
        const double cachedWall = sumOf(cached, wall);
        const double uncachedWall = sumOf(uncached, wall);
        QCOMPARE(summary.decodeMsPerTokenCached(), (cachedWall - cached.front().wallMs) / 9.0);
        QCOMPARE(summary.decodeMsPerTokenUncached(), (uncachedWall - uncached.front().wallMs) / 9.0);
        QCOMPARE(summary.measuredSpeedup(), uncachedWall / cachedWall);
        QCOMPARE(summary.rooflineSpeedup(), sumOf(uncached, roofline) / sumOf(cached, roofline));
        QCOMPARE(summary.predictedSpeedup(), double(sumMacs(uncached)) / double(sumMacs(cached)));

        QVERIFY(summary.predictedSpeedup() > 1.0); // the recompute does strictly more work
        QVERIFY(summary.rooflineSpeedup() > 0.0);
        QVERIFY(summary.measuredSpeedup() > 0.0);
    }

    void cancelStopsAfterTheStepThatSaidSo_data()
    {
        QTest::addColumn<int>("cancelAt");
        QTest::newRow("at the prefill") << 1;
        QTest::newRow("mid-step, after the cached path") << 5;
        QTest::newRow("after a whole step") << 6;
    }

    void cancelStopsAfterTheStepThatSaidSo()
    {
        QFETCH(int, cancelAt);
        int calls = 0;
        const BenchmarkSummary summary =
            BenchmarkRunner(BenchmarkShape::get("tiny"), 2, 10).run(kRates, [&](const BenchmarkStep&) {
                return ++calls < cancelAt;
            });
        QVERIFY(summary.cancelled);
        QCOMPARE(calls, cancelAt);
        QCOMPARE(int(summary.cachedSteps.size() + summary.uncachedSteps.size()), cancelAt);
        QCOMPARE(summary.comparedSteps(), cancelAt / 2);
    }

    void noDecodeStepMeansNoDecodeFigure()
    {
        const BenchmarkSummary summary = BenchmarkRunner(BenchmarkShape::get("tiny"), 1, 1).run(kRates);
        QCOMPARE(summary.decodeMsPerTokenCached(), 0.0);
        QCOMPARE(summary.predictedSpeedup(), 1.0); // step 0 is the same pass on both paths
    }

    void machineRatesAreMeasuredAtEveryRowCount()
    {
        const MachineRates rates = MachineRates::measure(5, 32, 128, 1);
        QVERIFY(rates.valid());
        QCOMPARE(rates.threads, 1);
        QCOMPARE(rates.matmulCurve.size(), std::size_t(5));
        QCOMPARE(rates.matmulCurve.back().rows, 5);
        QVERIFY(rates.gbps > 0.0);
        QVERIFY(rates.peakGemmGflops > 0.0);
        QVERIFY(rates.peakGflops() >= rates.peakGemmGflops);
    }

    void rowCountsAreTwoAnOctaveUpToTheMost_data()
    {
        QTest::addColumn<int>("most");
        QTest::addColumn<QList<int>>("expected");
        QTest::newRow("1") << 1 << QList<int>{1};
        QTest::newRow("2") << 2 << QList<int>{1, 2};
        QTest::newRow("7") << 7 << QList<int>{1, 2, 3, 4, 6, 7};
        QTest::newRow("8") << 8 << QList<int>{1, 2, 3, 4, 6, 8};
        QTest::newRow("100") << 100 << QList<int>{1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 100};
    }

    void rowCountsAreTwoAnOctaveUpToTheMost()
    {
        QFETCH(int, most);
        QFETCH(QList<int>, expected);
        const std::vector<int> counts = MachineRates::measuredRowCounts(most);
        QCOMPARE(QList<int>(counts.begin(), counts.end()), expected);
    }

    void thePeakIsTheLargeProductOrTheCurvesBest()
    {
        const MachineRates measuredPeak{{{1, 4.0}, {16, 16.0}}, 5.0, 90.0, 2};
        QCOMPARE(measuredPeak.peakGflops(), 90.0);
        const MachineRates curveOnly{{{1, 4.0}, {16, 16.0}}, 5.0};
        QVERIFY(curveOnly.valid());
        QCOMPARE(curveOnly.peakGflops(), 16.0);
        QCOMPARE(MachineRates::uniform(7.0, 3.0).peakGflops(), 7.0);
    }

    void invalidRatesAreRefused_data()
    {
        QTest::addColumn<MachineRates>("rates");
        QTest::newRow("no curve") << MachineRates{{}, 5.0};
        QTest::newRow("no bandwidth") << MachineRates::uniform(10.0, 0.0);
        QTest::newRow("zero rate") << MachineRates{{{1, 4.0}, {2, 0.0}}, 5.0};
        QTest::newRow("rows not ascending") << MachineRates{{{2, 4.0}, {2, 5.0}}, 5.0};
    }

    void invalidRatesAreRefused()
    {
        QFETCH(MachineRates, rates);
        QVERIFY(!rates.valid());
        const BenchmarkRunner runner(BenchmarkShape::get("tiny"), 1, 2);
        QVERIFY_THROWS_EXCEPTION(BenchmarkError, runner.run(rates));
    }

    // Each pass is priced at the machine's ceilings, whatever its row count:
    // a one-row decode step cannot use the multiply units, and the roofline says so.
    void eachStepIsPricedAtThePeak()
    {
        const MachineRates rates{{{1, 2.0}, {8, 16.0}}, 5.0, 40.0, 1};
        const BenchmarkSummary summary = BenchmarkRunner(BenchmarkShape::get("tiny"), 2, 4).run(rates);
        for (const auto* steps : {&summary.cachedSteps, &summary.uncachedSteps})
            for (const BenchmarkStep& step : *steps) {
                QCOMPARE(step.gflops, 40.0);
                QCOMPARE(step.computeMs, 2.0 * double(step.macs) / 40e6);
            }
    }

    void theBestRatesTakeEachCeilingsBetter()
    {
        const MachineRates before{{{1, 4.0}, {8, 16.0}}, 30.0, 100.0, 2};
        const MachineRates after{{{1, 5.0}}, 40.0, 90.0, 2};
        const MachineRates best = MachineRates::best(before, after);
        QCOMPARE(best.gbps, 40.0);
        QCOMPARE(best.peakGemmGflops, 100.0);
        QCOMPARE(best.matmulCurve.size(), std::size_t(2));
        QCOMPARE(best.threads, 2);
    }

    void repricingKeepsTheTimesAndMovesTheRoofline()
    {
        const BenchmarkRunner runner(BenchmarkShape::get("tiny"), 1, 4);
        const BenchmarkSummary run = runner.run(kRates);
        const MachineRates faster = MachineRates::uniform(20.0, 10.0);
        const BenchmarkSummary repriced = runner.repriced(run, faster);
        QCOMPARE(repriced.rates.gbps, 10.0);
        QCOMPARE(repriced.measuredSpeedup(), run.measuredSpeedup());
        for (std::size_t i = 0; i < run.cachedSteps.size(); ++i) {
            const BenchmarkStep& step = repriced.cachedSteps[i];
            QCOMPARE(step.wallMs, run.cachedSteps[i].wallMs);
            QCOMPARE(step.computeMs, run.cachedSteps[i].computeMs / 2.0);
            QCOMPARE(step.memoryMs, run.cachedSteps[i].memoryMs / 2.0);
        }
    }

    // With a reader, the memory is read before the first step and after
    // every step; each step is priced at the mean of the reads around it.
    void eachStepIsPricedAtTheBandwidthReadAroundIt()
    {
        const BenchmarkRunner runner(BenchmarkShape::get("tiny"), 2, 5);
        double next = 0.0;
        const BenchmarkSummary summary = runner.run(kRates, {}, [&next] { return next += 2.0; });
        QCOMPARE(summary.bandwidthReads.size(), std::size_t(2 * 5 + 1));
        for (std::size_t i = 0; i < summary.bandwidthReads.size(); ++i)
            QCOMPARE(summary.bandwidthReads[i], 2.0 * double(i + 1));
        for (std::size_t i = 0; i < 5; ++i) {
            const BenchmarkStep& cached = summary.cachedSteps[i];
            const BenchmarkStep& uncached = summary.uncachedSteps[i];
            QCOMPARE(cached.gbps, (summary.bandwidthReads[2 * i] + summary.bandwidthReads[2 * i + 1]) / 2.0);
            QCOMPARE(uncached.gbps, (summary.bandwidthReads[2 * i + 1] + summary.bandwidthReads[2 * i + 2]) / 2.0);
            QCOMPARE(cached.memoryMs, double(cached.bytesRead) / (cached.gbps * 1e6));
            QCOMPARE(uncached.memoryMs, double(uncached.bytesRead) / (uncached.gbps * 1e6));
            // The compute ceiling stays the measured one.
            QCOMPARE(cached.gflops, kRates.peakGflops());
        }
        // Step i's cached read bracket is (4i+2, 4i+4), its mean 4i+3.
        QCOMPARE(summary.pricedGbps(DecodeMode::Cached), (3.0 + 7.0 + 11.0 + 15.0 + 19.0) / 5.0);
        QCOMPARE(summary.pricedGbps(DecodeMode::Uncached), (5.0 + 9.0 + 13.0 + 17.0 + 21.0) / 5.0);
    }

    void withoutAReaderEveryStepTakesTheCeiling()
    {
        const BenchmarkSummary summary = BenchmarkRunner(BenchmarkShape::get("tiny"), 1, 3).run(kRates);
        QVERIFY(summary.bandwidthReads.empty());
        for (const auto* steps : {&summary.cachedSteps, &summary.uncachedSteps})
            for (const BenchmarkStep& step : *steps)
                QCOMPARE(step.gbps, kRates.gbps);
        QCOMPARE(summary.bandwidthSpread().max, 0.0);
    }

    void aReadThatIsNotPositiveThrows()
    {
        const BenchmarkRunner runner(BenchmarkShape::get("tiny"), 1, 3);
        int reads = 0;
        const auto failing = [&reads] { return ++reads < 3 ? 4.0 : 0.0; };
        QVERIFY_THROWS_EXCEPTION(BenchmarkError, runner.run(kRates, {}, failing));
        QCOMPARE(reads, 3);
    }

    // Repricing moves the compute ceiling and keeps each step's bandwidth;
    // priced at the ceilings, every step takes the rates' bandwidth instead.
    void repricingKeepsTheBandwidthReadAroundEachStep()
    {
        const BenchmarkRunner runner(BenchmarkShape::get("tiny"), 1, 4);
        double next = 1.0;
        const BenchmarkSummary run = runner.run(kRates, {}, [&next] { return next *= 2.0; });
        const MachineRates faster = MachineRates::uniform(20.0, 10.0);
        const BenchmarkSummary repriced = runner.repriced(run, faster);
        const BenchmarkSummary atCeilings = runner.pricedAtCeilings(run, faster);
        QCOMPARE(repriced.bandwidthReads, run.bandwidthReads);
        QVERIFY(atCeilings.bandwidthReads.empty());
        for (std::size_t i = 0; i < run.uncachedSteps.size(); ++i) {
            QCOMPARE(repriced.uncachedSteps[i].gbps, run.uncachedSteps[i].gbps);
            QCOMPARE(repriced.uncachedSteps[i].memoryMs, run.uncachedSteps[i].memoryMs);
            QCOMPARE(repriced.uncachedSteps[i].computeMs, run.uncachedSteps[i].computeMs / 2.0);
            QCOMPARE(atCeilings.uncachedSteps[i].gbps, 10.0);
            QCOMPARE(atCeilings.uncachedSteps[i].memoryMs,
                     double(atCeilings.uncachedSteps[i].bytesRead) / (10.0 * 1e6));
        }
    }

    void theSpreadIsTheLowestMedianAndHighestRead_data()
    {
        QTest::addColumn<std::vector<double>>("reads");
        QTest::addColumn<double>("min");
        QTest::addColumn<double>("median");
        QTest::addColumn<double>("max");
        QTest::newRow("odd") << std::vector<double>{40.0, 35.0, 52.0} << 35.0 << 40.0 << 52.0;
        QTest::newRow("even") << std::vector<double>{50.0, 36.0, 44.0, 38.0} << 36.0 << 41.0 << 50.0;
        QTest::newRow("one") << std::vector<double>{42.0} << 42.0 << 42.0 << 42.0;
        QTest::newRow("none") << std::vector<double>{} << 0.0 << 0.0 << 0.0;
    }

    void theSpreadIsTheLowestMedianAndHighestRead()
    {
        QFETCH(std::vector<double>, reads);
        QFETCH(double, min);
        QFETCH(double, median);
        QFETCH(double, max);
        BenchmarkSummary summary;
        summary.bandwidthReads = reads;
        const BenchmarkSummary::Spread spread = summary.bandwidthSpread();
        QCOMPARE(spread.min, min);
        QCOMPARE(spread.median, median);
        QCOMPARE(spread.max, max);
    }

    void aProbeReadsItsWholeBuffer()
    {
        const BandwidthProbe probe(std::size_t(8) << 20);
        QCOMPARE(probe.bytes(), std::size_t(8) << 20);
        const double gbps = probe.readGbps();
        QVERIFY2(gbps > 0.0 && std::isfinite(gbps), qPrintable(QString::number(gbps)));
    }

    void fractionOfRooflineIsRooflineOverWallTime()
    {
        const BenchmarkSummary summary = BenchmarkRunner(BenchmarkShape::get("tiny"), 1, 6).run(kRates);
        const auto wall = [](const BenchmarkStep& step) { return step.wallMs; };
        const auto roofline = [](const BenchmarkStep& step) { return step.rooflineMs(); };
        QCOMPARE(summary.fractionOfRoofline(DecodeMode::Cached),
                 sumOf(summary.cachedSteps, roofline) / sumOf(summary.cachedSteps, wall));
        QCOMPARE(summary.fractionOfRoofline(DecodeMode::Uncached),
                 sumOf(summary.uncachedSteps, roofline) / sumOf(summary.uncachedSteps, wall));
        // measured / roofline speedup = cached fraction / uncached fraction.
        QVERIFY(std::abs(summary.measuredSpeedup() / summary.rooflineSpeedup()
                         - summary.fractionOfRoofline(DecodeMode::Cached)
                               / summary.fractionOfRoofline(DecodeMode::Uncached))
                < 1e-9);
    }

    void boundShareFollowsTheCeilings_data()
    {
        QTest::addColumn<double>("gflops");
        QTest::addColumn<double>("gbps");
        QTest::addColumn<double>("share");
        // Tiny passes read ~0.1 MB for ~0.01 M multiply-adds: ~0.2 FLOP per byte.
        QTest::newRow("slow memory, fast arithmetic") << 1000.0 << 0.001 << 1.0;
        QTest::newRow("fast memory, slow arithmetic") << 0.001 << 1000.0 << 0.0;
    }

    void boundShareFollowsTheCeilings()
    {
        QFETCH(double, gflops);
        QFETCH(double, gbps);
        QFETCH(double, share);
        const BenchmarkSummary summary =
            BenchmarkRunner(BenchmarkShape::get("tiny"), 1, 4).run(MachineRates::uniform(gflops, gbps));
        QCOMPARE(summary.memoryBoundShare(DecodeMode::Cached), share);
        QCOMPARE(summary.memoryBoundShare(DecodeMode::Uncached), share);
    }

    void noStepMeansNoFraction()
    {
        const BenchmarkSummary empty;
        QCOMPARE(empty.fractionOfRoofline(DecodeMode::Cached), 0.0);
        QCOMPARE(empty.memoryBoundShare(DecodeMode::Uncached), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestBenchmark)
#include "tst_benchmark.moc"
