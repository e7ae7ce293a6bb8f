#include "core/io/Llama2cCheckpoint.h"
#include "core/io/Llama2cFormat.h"
#include "core/io/LoadError.h"
#include "core/tokenizer/IdTokenizer.h"
#include "core/tokenizer/Llama2cTokenizer.h"
#include "core/tokenizer/TokenizeError.h"

#include "tests/support/BinaryFile.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <cstring>
#include <fstream>

using namespace kv;

using kvtest::put;

namespace {

const QString kShared = QStringLiteral(KVLAB_SHARED_DATA "/llama2c");

#define REQUIRE_SHARED(file)                                                                                        \
    if (!QFile::exists(kShared + "/" file))                                                                         \
    QSKIP(qPrintable("the reference data is absent: " + kShared + "/" file " (see ../shared/data/README.md)"))

// A tokenizer.bin of `count` pieces: <unk>, BOS, EOS, then "t3", "t4", ...
std::string tokenizerBytes(int count)
{
    std::string bytes;
    put(bytes, std::uint32_t(8));
    for (int id = 0; id < count; ++id) {
        const std::string piece = id == 0 ? "<unk>" : id == 1 ? "\n<s>\n" : id == 2 ? "\n</s>\n" : "t" + std::to_string(id);
        put(bytes, 0.0f);
        put(bytes, static_cast<std::int32_t>(piece.size()));
        bytes += piece;
    }
    return bytes;
}

} // namespace

class TestLlama2cFormat : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string write(const QString& name, const std::string& bytes) const
    {
        return kvtest::writeBinary(m_dir.path(), name, bytes);
    }

private slots:
    void configFromStories260K()
    {
        REQUIRE_SHARED("stories260K.bin");
        const std::string path = (kShared + "/stories260K.bin").toStdString();
        const Llama2cCheckpoint checkpoint = Llama2cCheckpoint::open(path);
        const ModelConfig config = Llama2cFormat::configFor(checkpoint.header(), "stories260K", path);
        QCOMPARE(config.family, ModelFamily::Llama);
        QCOMPARE(config.name, std::string("stories260K"));
        QCOMPARE(config.nLayer, 5);
        QCOMPARE(config.nEmbd, 64);
        QCOMPARE(config.nHead, 8);
        QCOMPARE(config.nKvHead, 4);
        QCOMPARE(config.headDim(), 8);
        QCOMPARE(config.nPositions, 512);
        QCOMPARE(config.vocabSize, 512);
        QCOMPARE(config.mlpWidth(), 172);
        QCOMPARE(config.norm, NormKind::RmsNorm);
        QCOMPARE(config.position, PositionKind::Rotary);
        QCOMPARE(config.mlp, MlpKind::SwiGlu);
        QCOMPARE(config.ropeLayout, RopeLayout::Interleaved);
        QCOMPARE(config.ropeTheta, 10000.0f);
        QCOMPARE(config.normEps, 1e-5f);
        QVERIFY(config.tiedClassifier);
        QVERIFY(!config.attentionBias && !config.mlpBias);
    }

    void unsharedClassifierIsUntied()
    {
        Llama2cHeader header{0, 8, 12, 2, 2, 1, 16, 4, false, 28};
        QVERIFY(!Llama2cFormat::configFor(header, "small", "small.bin").tiedClassifier);
    }

    void sharedTokenizerDoesNotFitStories260K()
    {
        REQUIRE_SHARED("tokenizer.bin");
        const std::string tokenizer = (kShared + "/tokenizer.bin").toStdString();
        try {
            Llama2cFormat::tokenizerFor((kShared + "/stories260K.bin").toStdString(), tokenizer, 512);
            QFAIL("no error");
        } catch (const LoadError& error) {
            QCOMPARE(error.file(), tokenizer);
            QVERIFY2(QString::fromStdString(error.problem()).contains("holds 32,000 tokens but the checkpoint"), error.what());
            QVERIFY2(QString::fromStdString(error.problem()).contains("has a vocabulary of 512"), error.what());
        }
    }

    void tokenizerBesideTheCheckpointIsFound()
    {
        const std::string checkpoint = write("beside/model.bin", "");
        write("beside/tokenizer.bin", tokenizerBytes(20));
        const auto tokenizer = Llama2cFormat::tokenizerFor(checkpoint, "", 20);
        QVERIFY(dynamic_cast<const Llama2cTokenizer*>(tokenizer.get()));
        QCOMPARE(tokenizer->size(), 20);
        QCOMPARE(tokenizer->token(7), std::string("t7"));
        // An explicit tokenizer wins over the one beside the file.
        const std::string other = write("elsewhere/other.bin", tokenizerBytes(20));
        const auto chosen = Llama2cFormat::tokenizerFor(checkpoint, other, 20);
        QCOMPARE(static_cast<const Llama2cTokenizer&>(*chosen).source(), other);
        // One beside it of another size is not this model's: tokens are shown as ids.
        const auto ids = Llama2cFormat::tokenizerFor(checkpoint, "", 21);
        QVERIFY(dynamic_cast<const IdTokenizer*>(ids.get()));
        QCOMPARE(ids->size(), 21);
        QVERIFY_THROWS_EXCEPTION(LoadError, Llama2cFormat::tokenizerFor(checkpoint, other, 21));
    }

    void withoutTokenizerTokensAreIds()
    {
        const std::string checkpoint = write("alone/model.bin", "");
        const auto tokenizer = Llama2cFormat::tokenizerFor(checkpoint, "", 512);
        QVERIFY(dynamic_cast<const IdTokenizer*>(tokenizer.get()));
        QCOMPARE(tokenizer->size(), 512);
        QCOMPARE(tokenizer->bosId(), 1);
        QCOMPARE(tokenizer->eosId(), 2);
        QCOMPARE(tokenizer->token(17), std::string("#17"));
        // The empty prompt is BOS alone, as in run.c; ids can be typed.
        QCOMPARE(tokenizer->encode(""), std::vector<int>{1});
        QCOMPARE(tokenizer->encode("  #461 #401\n"), (std::vector<int>{1, 461, 401}));
        QCOMPARE(tokenizer->decode({1, 461, 401}), std::string("#1 #461 #401"));
        QCOMPARE(tokenizer->find("#511"), std::optional<int>(511));
        QCOMPARE(tokenizer->find("#512"), std::nullopt);
        QVERIFY(!tokenizer->encodesAnyText());
    }

    void idTokenizerRefusesWords()
    {
        const IdTokenizer tokenizer(512, 1, 2);
        try {
            tokenizer.encode("#3 once");
            QFAIL("no error");
        } catch (const TokenizeError& error) {
            QCOMPARE(error.position(), std::size_t(3));
            QVERIFY2(QString(error.what()).contains("\"once\" is not a token id"), error.what());
            QVERIFY2(QString(error.what()).contains("#0 to #511"), error.what());
        }
        QVERIFY_THROWS_EXCEPTION(TokenizeError, tokenizer.encode("#99999999999999"));
        QVERIFY_THROWS_EXCEPTION(TokenizeError, tokenizer.encode("#-1"));
        QVERIFY_THROWS_EXCEPTION(KvError, tokenizer.token(512));
    }
};

QTEST_GUILESS_MAIN(TestLlama2cFormat)
#include "tst_llama2cformat.moc"
