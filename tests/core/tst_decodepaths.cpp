#include "core/decode/DecodeSession.h"
#include "core/tensor/PackedMatrix.h"
#include "core/tensor/TensorOps.h"
#include "tests/support/TestModels.h"
#include "core/lab/WalkThrough.h"

#include <QtTest>

using namespace kv;

// The first invariant of the project: decoding with the KV cache gives the
// same logits as recomputing the whole prefix, at every step.
class TestDecodePaths : public QObject {
    Q_OBJECT

private slots:
    void cachedEqualsUncachedAtEveryStep_data()
    {
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("kvHeads");
        QTest::addColumn<int>("promptLength");
        for (int layers = 1; layers <= 3; ++layers) {
            QTest::addRow("MHA 4/4, %d layer(s)", layers) << layers << 4 << 4 << 1;
            QTest::addRow("GQA 4/2, %d layer(s)", layers) << layers << 4 << 2 << 3;
            QTest::addRow("MQA 4/1, %d layer(s)", layers) << layers << 4 << 1 << 2;
        }
    }

    void cachedEqualsUncachedAtEveryStep()
    {
        QFETCH(int, layers);
        QFETCH(int, heads);
        QFETCH(int, kvHeads);
        QFETCH(int, promptLength);
        const ModelConfig config = kvtest::smallConfig(layers, heads, kvHeads, 12);
        const Transformer model = kvtest::randomTransformer(config, 100 + layers);
        const std::vector<int> tokens = kvtest::randomTokens(config.nPositions, config.vocabSize, layers);
        const std::vector<int> prompt(tokens.begin(), tokens.begin() + promptLength);

        DecodeSession uncached(model, DecodeMode::Uncached);
        DecodeSession cached(model, DecodeMode::Cached);
        float worst = 0.0f;
        float largestLogit = 0.0f;
        RowVector a = uncached.start(prompt).logits;
        RowVector b = cached.start(prompt).logits;
        // Feed fixed tokens up to the last position: the cache ends full.
        for (int next = promptLength;; ++next) {
            worst = std::max(worst, (a - b).cwiseAbs().maxCoeff());
            largestLogit = std::max(largestLogit, a.cwiseAbs().maxCoeff());
            if (next == config.nPositions)
                break;
            a = uncached.next(tokens[static_cast<std::size_t>(next)]).logits;
            b = cached.next(tokens[static_cast<std::size_t>(next)]).logits;
        }
        QCOMPARE(cached.cache().length(), config.nPositions);
        QCOMPARE(uncached.sequence().size(), std::size_t(config.nPositions));
        QVERIFY2(worst <= 1e-5f, qPrintable(QString("max |dlogit| %1").arg(worst)));
        QVERIFY2(largestLogit > 0.5f, "logits too small for the comparison to mean anything");
    }

    // The Llama family's blocks (RMSNorm, RoPE with keys cached rotated,
    // SwiGLU, no biases) under every grouping, both RoPE layouts, an untied
    // classifier and Qwen2-style q/k/v biases, at a random-weights model.
    void llamaCachedEqualsUncachedAtEveryStep_data()
    {
        QTest::addColumn<int>("kvHeads");
        QTest::addColumn<bool>("halfSplit");
        QTest::addColumn<bool>("tied");
        QTest::addColumn<bool>("attentionBias");
        QTest::newRow("MHA 4/4, interleaved") << 4 << false << true << false;
        QTest::newRow("GQA 4/2, interleaved") << 2 << false << true << false;
        QTest::newRow("MQA 4/1, half-split") << 1 << true << true << false;
        QTest::newRow("GQA 4/2, half-split, untied") << 2 << true << false << false;
        QTest::newRow("GQA 4/2, q/k/v biases") << 2 << false << true << true;
    }

    void llamaCachedEqualsUncachedAtEveryStep()
    {
        QFETCH(int, kvHeads);
        QFETCH(bool, halfSplit);
        QFETCH(bool, tied);
        QFETCH(bool, attentionBias);
        ModelConfig config = ModelConfig::llama("test-llama", 2, 16, 4, kvHeads, 12, 23, 40);
        config.ropeLayout = halfSplit ? RopeLayout::HalfSplit : RopeLayout::Interleaved;
        config.tiedClassifier = tied;
        config.attentionBias = attentionBias;
        const Transformer model = kvtest::randomTransformer(config, 5 + kvHeads);
        QCOMPARE(model.weights().classifier.size() == 0, tied);
        QCOMPARE(model.weights().layers[0].qkvBias.size() > 0, attentionBias);
        const std::vector<int> tokens = kvtest::randomTokens(config.nPositions, config.vocabSize, 9);
        DecodeSession uncached(model, DecodeMode::Uncached);
        DecodeSession cached(model, DecodeMode::Cached);
        float worst = (uncached.start({tokens[0], tokens[1]}).logits - cached.start({tokens[0], tokens[1]}).logits)
                          .cwiseAbs().maxCoeff();
        float largestLogit = 0.0f;
        for (int t = 2; t < config.nPositions; ++t) {
            const RowVector a = uncached.next(tokens[std::size_t(t)]).logits;
            worst = std::max(worst, (a - cached.next(tokens[std::size_t(t)]).logits).cwiseAbs().maxCoeff());
            largestLogit = std::max(largestLogit, a.cwiseAbs().maxCoeff());
        }
        QCOMPARE(cached.cache().length(), config.nPositions);
        QVERIFY2(worst <= 1e-5f, qPrintable(QString("max |dlogit| %1").arg(worst)));
        QVERIFY2(largestLogit > 0.5f, "logits too small for the comparison to mean anything");
    }

    // Past kExactRowProductLimit a decode step multiplies one row with the
    // matrix-vector kernel (fast), so the paths agree to rounding, not bitwise.
    void largeShapesAgreeToRounding()
    {
        const ModelConfig config = kvtest::smallConfig(2, 4, 2, 12, 50, 160);
        QVERIFY(config.nEmbd * config.mlpWidth() > kv::kExactRowProductLimit);
        const Transformer model = kvtest::randomTransformer(config, 3, 0.05f);
        const std::vector<int> tokens = kvtest::randomTokens(config.nPositions, config.vocabSize, 4);
        DecodeSession uncached(model, DecodeMode::Uncached);
        DecodeSession cached(model, DecodeMode::Cached);
        float worst = (uncached.start({tokens[0]}).logits - cached.start({tokens[0]}).logits).cwiseAbs().maxCoeff();
        for (int t = 1; t < config.nPositions; ++t)
            worst = std::max(worst, (uncached.next(tokens[std::size_t(t)]).logits - cached.next(tokens[std::size_t(t)]).logits)
                                        .cwiseAbs().maxCoeff());
        qInfo("d=160: max |dlogit| between the paths %g", double(worst));
        QVERIFY2(worst <= 1e-5f, qPrintable(QString("max |dlogit| %1").arg(worst)));
    }

    // A row multiplied alone equals the same row multiplied with others: bit
    // for bit with the exact kernel, to rounding with OpenBLAS (gemv for one
    // row, gemm for several).
    void aRowAloneEqualsTheRowInABatch_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("inner");
        QTest::addColumn<float>("tolerance");
        QTest::newRow("exact") << int(ProductKernel::Exact) << 32 << 0.0f;
        // Sums of 768 products of magnitude ~10: rounding, relative ~1e-6.
        QTest::newRow("OpenBLAS") << int(ProductKernel::Blas) << 768 << 1e-4f;
    }

    void aRowAloneEqualsTheRowInABatch()
    {
        QFETCH(int, kernel);
        QFETCH(int, inner);
        QFETCH(float, tolerance);
        const auto chosen = static_cast<ProductKernel>(kernel);
        const Matrix a = Matrix::Random(9, inner);
        const Matrix b = Matrix::Random(inner, 3 * inner);
        const Matrix bt = b.transpose();
        Matrix batch(9, b.cols());
        Matrix alone(1, b.cols());
        multiply(a, b, batch, chosen);
        multiply(a.bottomRows(1), b, alone, chosen);
        QVERIFY((batch.bottomRows(1) - alone).cwiseAbs().maxCoeff() <= tolerance);
        QVERIFY((batch - a * b).cwiseAbs().maxCoeff() < 1e-3f * inner / 32);
        // a . btᵀ reads bt as stored and gives the same product.
        multiplyTransposed(a, bt, batch, chosen);
        multiplyTransposed(a.bottomRows(1), bt, alone, chosen);
        QVERIFY((batch.bottomRows(1) - alone).cwiseAbs().maxCoeff() <= tolerance);
        QVERIFY((batch - a * b).cwiseAbs().maxCoeff() < 1e-3f * inner / 32);
    }

    // The weights packed at load: a product through them equals the plain
    // product to rounding, and a row alone equals the same row in a batch bit
    // for bit, at shapes with a ragged last panel, a ragged last block of rows
    // and several depth blocks.
    void packedWeightsMultiplyRowsAloneAndInBatchesAlike_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("inner");
        QTest::addColumn<int>("cols");
        QTest::newRow("gpt2 mlp, 100 rows") << 100 << 768 << 3072;
        QTest::newRow("ragged everything") << 29 << 613 << 77;
        QTest::newRow("narrower than a panel") << 5 << 40 << 9;
        QTest::newRow("two rows, deep") << 2 << 3072 << 768;
        QTest::newRow("deeper than a depth block") << 13 << 4500 << 64;
    }

    void packedWeightsMultiplyRowsAloneAndInBatchesAlike()
    {
        if (!PackedMatrix::available())
            QSKIP("a portable build multiplies with OpenBLAS; the packed kernel needs AVX2 and FMA");
        QFETCH(int, rows);
        QFETCH(int, inner);
        QFETCH(int, cols);
        const Matrix x = Matrix::Random(rows, inner);
        const Matrix w = Matrix::Random(inner, cols);
        const PackedMatrix packed(w);
        QCOMPARE(packed.rows(), Eigen::Index(inner));
        QCOMPARE(packed.cols(), Eigen::Index(cols));
        QVERIFY(packed.unpacked() == w);
        for (int threads : {1, availableCores()}) {
            setComputeThreads(threads);
            Matrix batch = Matrix::Constant(rows, cols, 7.0f); // overwritten, never added to
            packed.multiply(x, batch);
            const Eigen::MatrixXd exact = x.cast<double>() * w.cast<double>();
            const double error = (batch.cast<double>() - exact).cwiseAbs().maxCoeff();
            QVERIFY2(error < 1e-6 * inner, qPrintable(QString("max error %1").arg(error)));
            for (int r : {0, rows / 2, rows - 1}) {
                Matrix alone(1, cols);
                packed.multiply(x.row(r), alone);
                QVERIFY2(alone == batch.row(r), qPrintable(QString("row %1 alone differs").arg(r)));
            }
        }
        setComputeThreads(availableCores());
    }

    void modelsPickTheirKernelBySize()
    {
        QCOMPARE(kvtest::randomTransformer(kvtest::smallConfig(1, 4, 4, 8)).kernel(), ProductKernel::Exact);
        QCOMPARE(kvtest::randomTransformer(kvtest::smallConfig(1, 4, 2, 12, 50, 160)).kernel(), ProductKernel::Blas);
    }

    // The session reserves its scratch for the whole context once: decoding
    // to the end never grows it (and the cache never reallocates either).
    void decodingAllocatesNoScratch()
    {
        const ModelConfig config = kvtest::smallConfig(2, 4, 2, 12, 50, 160);
        const Transformer model = kvtest::randomTransformer(config);
        for (DecodeMode mode : {DecodeMode::Cached, DecodeMode::Uncached}) {
            DecodeSession session(model, mode);
            const std::size_t reserved = session.scratch().capacity();
            const float* keys = session.cache().keys(0).data();
            session.start({1, 2});
            for (int token = 3; session.sequence().size() < std::size_t(config.nPositions); ++token)
                session.next(token % config.vocabSize);
            QCOMPARE(session.scratch().capacity(), reserved);
            QCOMPARE(session.cache().keys(0).data(), keys);
        }
    }

    void uncachedReallyRecomputesEverything()
    {
        const ModelConfig config = kvtest::smallConfig(2, 4, 2, 10);
        const Transformer model = kvtest::randomTransformer(config);
        DecodeSession uncached(model, DecodeMode::Uncached);
        uncached.start({1, 2});
        const DecodePass recomputed = uncached.next(3);
        QCOMPARE(recomputed.inputs, (std::vector<int>{1, 2, 3}));
        QCOMPARE(recomputed.positions, (std::vector<int>{0, 1, 2}));
        QCOMPARE(recomputed.firstNewInput, 2);
        QCOMPARE(recomputed.keyTokens, (std::vector<int>{1, 2, 3}));
        QCOMPARE(uncached.cache().length(), 0);

        DecodeSession cached(model, DecodeMode::Cached);
        const DecodePass prefill = cached.start({1, 2});
        QCOMPARE(prefill.inputs, (std::vector<int>{1, 2}));
        QCOMPARE(prefill.positions, (std::vector<int>{0, 1}));
        const DecodePass step = cached.next(3);
        QCOMPARE(step.inputs, std::vector<int>{3});
        QCOMPARE(step.positions, std::vector<int>{2});
        QCOMPARE(step.firstNewInput, 0);
        QCOMPARE(step.keyTokens, (std::vector<int>{1, 2, 3}));
        QCOMPARE(cached.cache().length(), 3);
    }

    void walkThroughRunsBothPathsToTheSameTokens()
    {
        const ModelConfig config = kvtest::smallConfig(2, 4, 2, 12);
        const Transformer model = kvtest::randomTransformer(config, 5);
        GenerationSettings settings;
        settings.stopAtEos = false;
        settings.maxNewTokens = 9;
        const WalkThrough run = runWalkThrough(model, {4, 8, 15}, settings, 0);
        QCOMPARE(run.cached.steps.size(), std::size_t(9));
        QCOMPARE(run.uncached.steps.size(), std::size_t(9));
        QCOMPARE(run.maxAbsLogitDiff.size(), std::size_t(9));
        QVERIFY(run.sameTokens());
        QVERIFY(run.worstLogitDiff() <= 1e-5f);
    }

    void sampledWalkThroughIsReproducibleAndAgrees()
    {
        const ModelConfig config = kvtest::smallConfig(2, 4, 4, 12);
        const Transformer model = kvtest::randomTransformer(config, 9, 0.5f);
        GenerationSettings settings;
        settings.stopAtEos = false;
        settings.sampling = SamplingSettings{1.0f, 10, 0.95f, 42};
        const WalkThrough first = runWalkThrough(model, {2}, settings, 0);
        const WalkThrough second = runWalkThrough(model, {2}, settings, 0);
        QCOMPARE(first.cached.generated(), second.cached.generated());
        QVERIFY(first.sameTokens());
        QCOMPARE(first.cached.steps.size(), std::size_t(11)); // fills the context of 12
    }
};

QTEST_GUILESS_MAIN(TestDecodePaths)
#include "tst_decodepaths.moc"
