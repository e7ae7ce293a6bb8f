#include "core/decode/DecodeSession.h"
#include "core/io/CheckpointFormats.h"
#include "core/io/Llama2cBinFormat.h"
#include "core/io/LoadError.h"
#include "core/tokenizer/IdTokenizer.h"
#include "core/tokenizer/Llama2cTokenizer.h"
#include "tests/support/BinaryFile.h"
#include "tests/support/TestModels.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>

using namespace kv;

using kvtest::put;
using kvtest::putFloats;

namespace {

const QString kShared = QStringLiteral(KVLAB_SHARED_DATA "/llama2c");

#define REQUIRE_SHARED(file)                                                                                        \
    if (!QFile::exists(kShared + "/" file))                                                                         \
    QSKIP(qPrintable("the reference data is absent: " + kShared + "/" file " (see ../shared/data/README.md)"))

std::string shared(const char* file)
{
    return (kShared + "/" + file).toStdString();
}

int argmax(const RowVector& logits)
{
    Eigen::Index best = 0;
    logits.maxCoeff(&best);
    return static_cast<int>(best);
}

// A legacy (version 0) llama2.c file, laid out as export.py's legacy_export
// writes it, with a negative vocabulary size: the classifier is its own
// tensor after the freq_cis tables. Each tensor's values are drawn at random
// and kept by name, to compare with what the loader placed.
struct UnsharedLegacyFile {
    static constexpr std::int32_t kDim = 8, kHidden = 12, kLayers = 2, kHeads = 2, kKvHeads = 1, kVocab = 10, kSeq = 6;
    std::map<std::string, std::vector<float>> tensors;
    std::string bytes;

    UnsharedLegacyFile()
    {
        std::mt19937 random(5);
        std::normal_distribution<float> normal;
        const auto next = [&](const std::string& name, std::int64_t count) {
            std::vector<float>& values = tensors[name];
            values.resize(static_cast<std::size_t>(count));
            for (float& value : values)
                value = normal(random);
            putFloats(bytes, values);
        };
        for (const std::int32_t field : {kDim, kHidden, kLayers, kHeads, kKvHeads, -kVocab, kSeq})
            put(bytes, field);
        const std::int64_t kvWidth = kKvHeads * (kDim / kHeads);
        next("model.embed_tokens.weight", kVocab * kDim);
        const std::vector<std::pair<const char*, std::int64_t>> blocks = {
            {"input_layernorm.weight", kDim},          {"self_attn.q_proj.weight", kDim * kDim},
            {"self_attn.k_proj.weight", kvWidth * kDim}, {"self_attn.v_proj.weight", kvWidth * kDim},
            {"self_attn.o_proj.weight", kDim * kDim},  {"post_attention_layernorm.weight", kDim},
            {"mlp.gate_proj.weight", kHidden * kDim},  {"mlp.down_proj.weight", kDim * kHidden},
            {"mlp.up_proj.weight", kHidden * kDim}};
        for (const auto& [suffix, count] : blocks)
            for (int layer = 0; layer < kLayers; ++layer)
                next("model.layers." + std::to_string(layer) + "." + suffix, count);
        next("model.norm.weight", kDim);
        putFloats(bytes, std::vector<float>(2 * kSeq * (kDim / kHeads) / 2, 9.0f)); // freq_cis real and imaginary
        next("lm_head.weight", kVocab * kDim);
    }

    // The stored tensor `name` as a (rows x cols) row-major matrix.
    Matrix stored(const std::string& name, Eigen::Index rows, Eigen::Index cols) const
    {
        return Eigen::Map<const Matrix>(tensors.at(name).data(), rows, cols);
    }
};

} // namespace

// A llama2.c .bin checkpoint as a model of the lab: found among the formats,
// its weights placed by role, its tokenizer chosen or refused, and the shared
// stories260K reproducing run.c's greedy ids through both decode paths.
class TestLlama2cBinFormat : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string write(const QString& name, const std::string& bytes) const
    {
        return kvtest::writeBinary(m_dir.path(), name, bytes);
    }

private slots:
    void stories260KGreedyFromBosThroughBothPaths()
    {
        REQUIRE_SHARED("stories260K-greedy.json");
        REQUIRE_SHARED("stories260K.bin");
        std::ifstream in(shared("stories260K-greedy.json"));
        const std::vector<int> expected = nlohmann::json::parse(in).at("greedy_ids").get<std::vector<int>>();
        QCOMPARE(expected.size(), std::size_t(64));

        const ModelBundle bundle = ModelBundle::load(shared("stories260K.bin"));
        QCOMPARE(bundle.config().name, std::string("stories260K"));
        QVERIFY(bundle.config().tiedClassifier);
        QCOMPARE(bundle.tokenizer->bosId(), 1);
        DecodeSession uncached(*bundle.model, DecodeMode::Uncached);
        DecodeSession cached(*bundle.model, DecodeMode::Cached);
        const std::vector<int> prompt = bundle.tokenizer->encode(""); // the empty prompt: BOS alone, as run.c starts
        QCOMPARE(prompt, std::vector<int>{1});
        RowVector a = uncached.start(prompt).logits;
        RowVector b = cached.start(prompt).logits;
        std::vector<int> fromUncached, fromCached;
        float worst = 0.0f;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            worst = std::max(worst, (a - b).cwiseAbs().maxCoeff());
            fromUncached.push_back(argmax(a));
            fromCached.push_back(argmax(b));
            if (i + 1 < expected.size()) {
                a = uncached.next(fromUncached.back()).logits;
                b = cached.next(fromCached.back()).logits;
            }
        }
        QCOMPARE(fromCached, expected);
        QCOMPARE(fromUncached, expected);
        QVERIFY2(worst <= 1e-5f, qPrintable(QString("max |dlogit| %1").arg(worst)));
        QCOMPARE(cached.cache().length(), 64);
    }

    void isFoundAmongTheFormats()
    {
        REQUIRE_SHARED("stories260K.bin");
        QCOMPARE(CheckpointFormats::find(shared("stories260K.bin")).name(), std::string("llama2.c checkpoint"));
        const Llama2cBinFormat format;
        QCOMPARE(format.mismatch(m_dir.path().toStdString()), std::string("it is not a file"));
        QCOMPARE(format.mismatch(write("short.bin", std::string(27, '\1'))), std::string("it is shorter than the 28-byte header"));
        QCOMPARE(format.mismatch(write("notes.txt", std::string(40, 'x'))),
                 std::string("it neither starts with \"ak42\" nor is named .bin"));
        std::string versioned;
        put(versioned, std::uint32_t(0x616b3432));
        versioned.resize(256, '\0');
        QVERIFY(format.supports(write("model.ckpt", versioned))); // the magic is enough
        // Not every file is a checkpoint: the message names each format it is not.
        try {
            CheckpointFormats::find(write("notes2.txt", std::string(40, 'x')));
            QFAIL("no error");
        } catch (const LoadError& error) {
            QVERIFY2(QString(error.what()).contains("(llama2.c checkpoint), but it neither starts with \"ak42\""), error.what());
        }
    }

    void headerProblemsAreLoadErrorsNamingTheFile()
    {
        std::string version2;
        put(version2, std::uint32_t(0x616b3432));
        put(version2, std::int32_t(2));
        version2.resize(256, '\0');
        const std::string file = write("q80.bin", version2);
        try {
            CheckpointFormats::load(file);
            QFAIL("no error");
        } catch (const LoadError& error) {
            QCOMPARE(error.file(), file);
            QVERIFY2(QString::fromStdString(error.problem()).startsWith("version 2 (int8-quantized Q8_0 weights) is not supported"),
                     error.what());
        }
        const std::string truncated = write("truncated.bin", UnsharedLegacyFile().bytes.substr(0, 200));
        try {
            CheckpointFormats::load(truncated);
            QFAIL("no error");
        } catch (const LoadError& error) {
            QCOMPARE(error.file(), truncated);
            QVERIFY2(QString::fromStdString(error.problem()).contains("shorter than its header says"), error.what());
        }
    }

    // A negative vocabulary in a legacy header: the classifier is the tensor
    // after the freq_cis tables, not the token embedding.
    void unsharedLegacyClassifierIsTheSeparateTensor()
    {
        using F = UnsharedLegacyFile;
        const F file;
        const ModelBundle bundle = CheckpointFormats::load(write("unshared.bin", file.bytes));
        const ModelConfig& config = bundle.config();
        QVERIFY(!config.tiedClassifier);
        QCOMPARE(config.vocabSize, F::kVocab);
        QCOMPARE(config.nKvHead, F::kKvHeads);
        const ModelWeights& w = bundle.model->weights();
        QCOMPARE(Matrix(w.classifier.map()), file.stored("lm_head.weight", F::kVocab, F::kDim));
        QCOMPARE(&w.lmHead(), &w.classifier);
        // The tables are read where they lie in the mapped file; the
        // [out, in] projections are transposed into copies.
        QVERIFY(w.tokenEmbedding.isView() && w.classifier.isView());
        QVERIFY(!w.layers[1].downWeight.isView());
        QVERIFY(w.lmHead().map() != w.tokenEmbedding.map());
        QCOMPARE(Matrix(w.tokenEmbedding.map()), file.stored("model.embed_tokens.weight", F::kVocab, F::kDim));
        // nn.Linear [out, in] stored, (in, out) in memory: q | k | v side by side.
        const int kvWidth = F::kKvHeads * (F::kDim / F::kHeads);
        const LayerWeights& layer1 = w.layers[1];
        QCOMPARE(Matrix(layer1.qkvWeight.map().leftCols(F::kDim)),
                 Matrix(file.stored("model.layers.1.self_attn.q_proj.weight", F::kDim, F::kDim).transpose()));
        QCOMPARE(Matrix(layer1.qkvWeight.map().rightCols(kvWidth)),
                 Matrix(file.stored("model.layers.1.self_attn.v_proj.weight", kvWidth, F::kDim).transpose()));
        QCOMPARE(Matrix(layer1.downWeight.map()), Matrix(file.stored("model.layers.1.mlp.down_proj.weight", F::kDim, F::kHidden).transpose()));
        QCOMPARE(Matrix(w.finalNormGain), file.stored("model.norm.weight", 1, F::kDim));

        // The logits are the final hidden state times that classifier.
        ForwardScratch scratch;
        const std::vector<int> tokens{1, 4}, positions{0, 1};
        const RowVector logits = bundle.model->forward(tokens, positions, nullptr, nullptr, scratch).logits;
        const Matrix last = scratch.view(ForwardScratch::LastNormed, 1, F::kDim);
        const RowVector withEmbedding = last * w.tokenEmbedding.map().transpose();
        const RowVector withClassifier = last * w.classifier.map().transpose();
        QVERIFY((logits - withClassifier).cwiseAbs().maxCoeff() <= 1e-5f);
        QVERIFY((logits - withEmbedding).cwiseAbs().maxCoeff() > 1e-2f);
    }

    void tokenizerOfAnotherVocabularyIsRefused()
    {
        REQUIRE_SHARED("stories260K.bin");
        REQUIRE_SHARED("tokenizer.bin");
        try {
            ModelBundle::load(shared("stories260K.bin"), LoadOptions{shared("tokenizer.bin")});
            QFAIL("no error");
        } catch (const LoadError& error) {
            QCOMPARE(error.file(), shared("tokenizer.bin"));
            QCOMPARE(error.problem(), "holds 32,000 tokens but the checkpoint " + shared("stories260K.bin")
                                          + " has a vocabulary of 512: they do not belong together");
        }
    }

    // The 32,000-token tokenizer.bin lies beside stories260K.bin in the
    // shared folder, but is not its own: without one given, tokens are ids.
    void withoutTokenizerTokensAreIds()
    {
        REQUIRE_SHARED("stories260K.bin");
        const ModelBundle bundle = ModelBundle::load(shared("stories260K.bin"));
        QVERIFY(dynamic_cast<const IdTokenizer*>(bundle.tokenizer.get()));
        QCOMPARE(bundle.tokenizer->token(461), std::string("#461"));
        QCOMPARE(bundle.config().eosToken, std::string("#2"));
    }

    // tokenizer.bin beside the checkpoint is found; one given by path wins.
    void tokenizerBesideTheCheckpointIsUsed()
    {
        using F = UnsharedLegacyFile;
        const auto tokenizerBytes = [](const std::string& prefix) {
            std::string bytes;
            put(bytes, std::uint32_t(8));
            for (int id = 0; id < F::kVocab; ++id) {
                const std::string piece = id == 1 ? "\n<s>\n" : id == 2 ? "\n</s>\n" : prefix + std::to_string(id);
                put(bytes, 0.0f);
                put(bytes, static_cast<std::int32_t>(piece.size()));
                bytes += piece;
            }
            return bytes;
        };
        const std::string model = write("beside/model.bin", F().bytes);
        write("beside/tokenizer.bin", tokenizerBytes("b"));
        const std::string other = write("other/tokens.bin", tokenizerBytes("o"));
        const ModelBundle besides = ModelBundle::load(model);
        QVERIFY(dynamic_cast<const Llama2cTokenizer*>(besides.tokenizer.get()));
        QCOMPARE(besides.tokenizer->token(7), std::string("b7"));
        QCOMPARE(besides.config().eosToken, std::string("</s>"));
        QCOMPARE(ModelBundle::load(model, LoadOptions{other}).tokenizer->token(7), std::string("o7"));
    }

    // The other formats bring their own tokenizer: one given apart is an error naming both.
    void folderFormatsRefuseATokenizerFile()
    {
        const std::string folder = kvtest::shippedModelDir("tiny-gqa").toStdString();
        try {
            CheckpointFormats::load(folder, LoadOptions{"tokenizer.bin"});
            QFAIL("no error");
        } catch (const LoadError& error) {
            QCOMPARE(error.file(), std::string("tokenizer.bin"));
            QCOMPARE(error.problem(), "a separate tokenizer file goes with a llama2.c .bin checkpoint only; " + folder
                                          + " is a KV Cache Lab model folder, which brings its own tokenizer");
        }
    }
};

QTEST_GUILESS_MAIN(TestLlama2cBinFormat)
#include "tst_llama2cbinformat.moc"
