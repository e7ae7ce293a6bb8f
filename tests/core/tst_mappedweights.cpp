#include "core/decode/DecodeSession.h"
#include "core/io/CheckpointFormats.h"
#include "core/io/ModelFolderWriter.h"
#include "core/io/SafetensorsFile.h"
#include "core/model/WeightTable.h"
#include "core/tensor/PackedMatrix.h"
#include "core/tensor/TensorOps.h"
#include "tests/support/TestModels.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace kv;

namespace {

const QString kTestData = QStringLiteral(KVLAB_TEST_DATA);

// The address range [begin, end) this process maps `file` at, from
// /proc/self/maps (the file's whole mapping: its lines are contiguous).
std::pair<std::uintptr_t, std::uintptr_t> mappingOf(const std::string& file)
{
    const std::string canonical = std::filesystem::canonical(file).string();
    std::ifstream maps("/proc/self/maps");
    std::uintptr_t begin = 0, end = 0;
    for (std::string line; std::getline(maps, line);) {
        if (!line.ends_with(" " + canonical))
            continue;
        std::istringstream fields(line);
        std::string range;
        fields >> range;
        const std::uintptr_t from = std::stoull(range.substr(0, range.find('-')), nullptr, 16);
        const std::uintptr_t to = std::stoull(range.substr(range.find('-') + 1), nullptr, 16);
        begin = begin ? std::min(begin, from) : from;
        end = std::max(end, to);
    }
    return {begin, end};
}

bool inside(const float* data, std::int64_t floats, std::pair<std::uintptr_t, std::uintptr_t> mapping)
{
    const auto first = reinterpret_cast<std::uintptr_t>(data);
    return mapping.first <= first && first + std::uintptr_t(floats) * sizeof(float) <= mapping.second;
}

// The bytes of every weight matrix (no vectors) of a model of this config, as float32.
std::int64_t matrixBytes(const ModelConfig& config)
{
    std::int64_t bytes = 0;
    for (const WeightEntry& entry : weightTable(config))
        if (entry.storage != WeightStorage::Vector)
            bytes += entry.elements() * std::int64_t(sizeof(float));
    return bytes;
}

// The bytes a packed copy of a (rows x cols) matrix holds: whole panels.
std::int64_t packedBytes(std::int64_t rows, std::int64_t cols)
{
    const std::int64_t panels = (cols + PackedMatrix::kPanelWidth - 1) / PackedMatrix::kPanelWidth;
    return panels * PackedMatrix::kPanelWidth * rows * std::int64_t(sizeof(float));
}

// A GPT-2 model folder of this shape with random F32 weights, as
// kvlab-make-model writes it (Conv1D weights [in, out]).
ModelConfig writeGpt2Folder(const QString& dir, int embd, int heads)
{
    ModelConfig shape = ModelConfig::gpt2("mapped", 2, embd, heads, heads, 16, 1); // vocab: the file's
    const std::string vocabulary = kvtest::shippedModelDir("tiny-mha").toStdString() + "/vocab.txt";
    return ModelFolderWriter::writeRandom(dir.toStdString(), shape, vocabulary, 3, ModelFolderWriter::defaultScale(embd));
}

// The logits of every step of decoding `tokens` (the first two the prompt)
// with `mode`.
std::vector<RowVector> decode(const Transformer& model, DecodeMode mode, const std::vector<int>& tokens)
{
    DecodeSession session(model, mode);
    std::vector<RowVector> logits{session.start({tokens[0], tokens[1]}).logits};
    for (std::size_t i = 2; i < tokens.size(); ++i)
        logits.push_back(session.next(tokens[i]).logits);
    return logits;
}

} // namespace

// F32 weights stored as the forward pass reads them are read where they lie
// in the memory-mapped file: no copy, and the same numbers bit for bit.
class TestMappedWeights : public QObject {
    Q_OBJECT

private slots:
    // The kernel reading W in place (row-major, rows `cols` floats apart, from
    // an address with no alignment beyond a float's) gives the packed copy's
    // products bit for bit: one row (the stream along W's rows) and several
    // (column strips, read directly for one block of rows, through a panel
    // buffer for more), odd depths, a depth beyond one depth block.
    void inPlaceProductsEqualThePackedCopy_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("inner");
        QTest::addColumn<int>("cols");
        QTest::newRow("one row, gpt2 c_attn") << 1 << 768 << 2304;
        QTest::newRow("one row, odd depth") << 1 << 613 << 96;
        QTest::newRow("two rows, deep") << 2 << 3072 << 768;
        QTest::newRow("five rows, odd depth") << 5 << 77 << 64;
        QTest::newRow("29 rows, odd depth") << 29 << 613 << 160;
        QTest::newRow("100 rows, gpt2 mlp") << 100 << 768 << 3072;
        QTest::newRow("deeper than a depth block") << 13 << 4501 << 64;
    }

    void inPlaceProductsEqualThePackedCopy()
    {
        if (!PackedMatrix::available())
            QSKIP("a portable build multiplies with OpenBLAS; the packed kernel needs AVX2 and FMA");
        QFETCH(int, rows);
        QFETCH(int, inner);
        QFETCH(int, cols);
        const Matrix x = Matrix::Random(rows, inner);
        const Matrix w = Matrix::Random(inner, cols);
        // W one float past an aligned start, as a mapped tensor may lie.
        auto held = std::make_shared<std::vector<float>>(std::size_t(inner) * cols + 1);
        Eigen::Map<Matrix>(held->data() + 1, inner, cols) = w;
        const PackedMatrix inPlace = PackedMatrix::inPlace(held->data() + 1, inner, cols, held);
        const PackedMatrix packed(w);
        QVERIFY(inPlace.isInPlace());
        QVERIFY(!packed.isInPlace());
        QCOMPARE(inPlace.data(), held->data() + 1);
        QCOMPARE(inPlace.copiedBytes(), std::int64_t(0));
        QVERIFY(inPlace.unpacked() == w);
        for (int threads : {1, availableCores()}) {
            setComputeThreads(threads);
            Matrix fromFile = Matrix::Constant(rows, cols, 7.0f); // overwritten, never added to
            Matrix fromCopy(rows, cols);
            inPlace.multiply(x, fromFile);
            packed.multiply(x, fromCopy);
            QVERIFY2(fromFile == fromCopy, qPrintable(QString("%1 threads: in place != packed").arg(threads)));
            for (int r : {0, rows / 2, rows - 1}) {
                Matrix alone(1, cols);
                inPlace.multiply(x.row(r), alone);
                QVERIFY2(alone == fromCopy.row(r), qPrintable(QString("row %1 alone differs").arg(r)));
            }
        }
        setComputeThreads(availableCores());
        // The matrix keeps what it reads alive.
        const std::weak_ptr<std::vector<float>> watch = held;
        held.reset();
        QVERIFY(!watch.expired());
    }

    // An F32 GPT-2 folder whose matrices are whole panels: every weight
    // matrix is read from the mapped file, none copied; the tables' data lie
    // inside the file's mapping; the logits equal those of the same weights
    // copied and packed, bit for bit, and cached decode equals uncached.
    void f32Gpt2FolderIsReadInPlace()
    {
        QTemporaryDir dir;
        const ModelConfig written = writeGpt2Folder(dir.path(), 160, 5);
        const ModelBundle bundle = CheckpointFormats::load(dir.path().toStdString());
        const Transformer& model = *bundle.model;
        QCOMPARE(model.kernel(), ProductKernel::Blas);
        const WeightMemory memory = model.weightMemory();
        const bool kernelReadsInPlace = PackedMatrix::available();
        QCOMPARE(memory.copiedBytes, std::int64_t(0));
        QCOMPARE(memory.mappedBytes, matrixBytes(written));

        const auto mapping = mappingOf(dir.path().toStdString() + "/model.safetensors");
        QVERIFY(mapping.second > mapping.first);
        const ModelWeights& w = model.weights();
        QVERIFY(w.tokenEmbedding.isView() && w.positionEmbedding.isView());
        QVERIFY(inside(w.tokenEmbedding.data(), w.tokenEmbedding.size(), mapping));
        QVERIFY(inside(w.positionEmbedding.data(), w.positionEmbedding.size(), mapping));
        QCOMPARE(&w.lmHead(), &w.tokenEmbedding);
        // Read in place by the kernel, the layers' matrices are not held apart.
        QCOMPARE(w.layers[1].upWeight.size() == 0, kernelReadsInPlace);

        const Transformer copied(written, model.copyWeights());
        if (kernelReadsInPlace)
            QVERIFY(copied.weightMemory().copiedBytes > 0);
        const std::vector<int> tokens = kvtest::randomTokens(10, written.vocabSize);
        const std::vector<RowVector> uncached = decode(model, DecodeMode::Uncached, tokens);
        const std::vector<RowVector> cached = decode(model, DecodeMode::Cached, tokens);
        QVERIFY(uncached == decode(copied, DecodeMode::Uncached, tokens));
        QVERIFY(cached == decode(copied, DecodeMode::Cached, tokens));
        // The BLAS kernel's attention sums in another order for one row: the
        // two paths agree to rounding (TensorOps.h).
        for (std::size_t step = 0; step < cached.size(); ++step)
            QVERIFY((cached[step] - uncached[step]).cwiseAbs().maxCoeff() <= 1e-5f);
    }

    // Columns that are not whole panels (d = 144: c_attn 432, c_proj 144)
    // fall back to packed copies; c_fc (576 = 18 panels) and the tables stay
    // in the file. The numbers are the same either way.
    void matricesOfPartialPanelsArePackedCopies()
    {
        if (!PackedMatrix::available())
            QSKIP("a portable build packs nothing");
        QTemporaryDir dir;
        const ModelConfig written = writeGpt2Folder(dir.path(), 144, 4);
        const ModelBundle bundle = CheckpointFormats::load(dir.path().toStdString());
        const std::int64_t d = 144, f = sizeof(float);
        const std::int64_t tables = (written.vocabSize + written.nPositions) * d * f;
        const WeightMemory memory = bundle.model->weightMemory();
        QCOMPARE(memory.mappedBytes, tables + 2 * d * 4 * d * f);
        QCOMPARE(memory.copiedBytes, 2 * (packedBytes(d, 3 * d) + packedBytes(d, d) + packedBytes(4 * d, d)));

        const Transformer copied(written, bundle.model->copyWeights());
        const std::vector<int> tokens = kvtest::randomTokens(6, written.vocabSize);
        QVERIFY(decode(*bundle.model, DecodeMode::Cached, tokens) == decode(copied, DecodeMode::Cached, tokens));
        QVERIFY(decode(*bundle.model, DecodeMode::Uncached, tokens) == decode(copied, DecodeMode::Uncached, tokens));
    }

    // The committed torch-written folders: GPT-2 in F32 is all views (a
    // model this small multiplies with the exact kernel, which reads the
    // layers' views directly), Llama in BF16 all copies.
    void f32IsViewedAndBf16Copied()
    {
        const std::string gpt2 = (kTestData + "/hf-gpt2-random").toStdString();
        const ModelBundle f32 = CheckpointFormats::load(gpt2);
        QCOMPARE(f32.model->weightMemory().copiedBytes, std::int64_t(0));
        QCOMPARE(f32.model->weightMemory().mappedBytes, matrixBytes(f32.config()));
        const LayerWeights& layer = f32.model->weights().layers[1];
        const auto mapping = mappingOf(gpt2 + "/model.safetensors");
        QVERIFY(layer.qkvWeight.isView());
        QVERIFY(inside(layer.qkvWeight.data(), layer.qkvWeight.size(), mapping));
        QVERIFY(inside(layer.downWeight.data(), layer.downWeight.size(), mapping));

        const ModelBundle bf16 = CheckpointFormats::load((kTestData + "/hf-llama-random").toStdString());
        QCOMPARE(bf16.model->weightMemory().mappedBytes, std::int64_t(0));
        QCOMPARE(bf16.model->weightMemory().copiedBytes, matrixBytes(bf16.config()));
        QVERIFY(!bf16.model->weights().tokenEmbedding.isView());
    }

    // Bytes given to SafetensorsFile::parse() are not a mapping anything can
    // hold on to: their F32 tensors are copied.
    void parsedBytesAreCopied()
    {
        const ModelConfig config = kvtest::smallConfig(1, 4, 4);
        const ModelWeights weights = ModelWeights::random(config, 5);
        QTemporaryDir dir;
        const std::string file = dir.path().toStdString() + "/model.safetensors";
        SafetensorsFile::write(file, weights.toTensors(config));
        std::ifstream in(file, std::ios::binary);
        const SafetensorsFile parsed = SafetensorsFile::parse(
            std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), file);
        const ModelWeights fromBytes = ModelWeights::fromSafetensors(parsed, config);
        QVERIFY(!fromBytes.tokenEmbedding.isView());
        QVERIFY(!fromBytes.layers[0].qkvWeight.isView());
        const ModelWeights fromFile = ModelWeights::fromSafetensors(SafetensorsFile::read(file), config);
        QVERIFY(fromFile.tokenEmbedding.isView());
        QVERIFY(fromFile.layers[0].qkvWeight.isView());
        QVERIFY(fromFile.layers[0].qkvWeight.map() == fromBytes.layers[0].qkvWeight.map());
        QVERIFY(fromFile.tokenEmbedding.map() == weights.tokenEmbedding.map());
    }
};

QTEST_GUILESS_MAIN(TestMappedWeights)
#include "tst_mappedweights.moc"
