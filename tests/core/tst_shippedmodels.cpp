#include "core/decode/DecodeSession.h"
#include "core/io/LoadError.h"
#include "core/io/ModelBundle.h"
#include "tests/support/TestModels.h"
#include "core/lab/WalkThrough.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace kv;

// The two models shipped in assets/models, checked against what their
// training script computed with PyTorch.
class TestShippedModels : public QObject {
    Q_OBJECT

private slots:
    void reproducesTorchLogits_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("tiny-mha") << "tiny-mha";
        QTest::newRow("tiny-gqa") << "tiny-gqa";
        QTest::newRow("tiny-llama") << "tiny-llama";
    }

    // Every position of every reference sequence, through both decode paths.
    void reproducesTorchLogits()
    {
        QFETCH(QString, model);
        const ModelBundle& bundle = kvtest::shippedModel(model);
        std::ifstream in((kvtest::shippedModelDir(model) + "/reference.json").toStdString());
        QVERIFY(in.good());
        const nlohmann::json reference = nlohmann::json::parse(in);
        QVERIFY(reference.at("sequences").size() >= 2);
        float worst = 0.0f;
        float worstBetweenPaths = 0.0f;
        int positionsChecked = 0;
        for (const auto& sequence : reference.at("sequences")) {
            const auto tokens = sequence.at("tokens").get<std::vector<int>>();
            const auto logits = sequence.at("logits").get<std::vector<std::vector<float>>>();
            QCOMPARE(bundle.tokenizer->encode(sequence.at("text").get<std::string>()), tokens);
            DecodeSession cached(*bundle.model, DecodeMode::Cached);
            DecodeSession uncached(*bundle.model, DecodeMode::Uncached);
            for (std::size_t t = 0; t < tokens.size(); ++t) {
                const RowVector a = t == 0 ? cached.start({tokens[0]}).logits : cached.next(tokens[t]).logits;
                const RowVector b = t == 0 ? uncached.start({tokens[0]}).logits : uncached.next(tokens[t]).logits;
                const RowVector expected = Eigen::Map<const RowVector>(logits[t].data(), Eigen::Index(logits[t].size()));
                QCOMPARE(expected.size(), Eigen::Index(bundle.config().vocabSize));
                worst = std::max({worst, (a - expected).cwiseAbs().maxCoeff(), (b - expected).cwiseAbs().maxCoeff()});
                worstBetweenPaths = std::max(worstBetweenPaths, (a - b).cwiseAbs().maxCoeff());
                ++positionsChecked;
            }
        }
        qInfo("%s: max |logit - torch| %.3g, max |cached - uncached| %.3g", qPrintable(model), worst, worstBetweenPaths);
        QVERIFY2(worst <= 1e-4f, qPrintable(QString("max |logit - torch| = %1").arg(worst)));
        QVERIFY2(worstBetweenPaths <= 1e-5f, qPrintable(QString("max |cached - uncached| = %1").arg(worstBetweenPaths)));
        QVERIFY(positionsChecked >= 8);
    }

    void generatesTheWalkThroughSentence_data()
    {
        reproducesTorchLogits_data();
    }

    void generatesTheWalkThroughSentence()
    {
        QFETCH(QString, model);
        const ModelBundle& bundle = kvtest::shippedModel(model);
        const WalkThrough run = runWalkThrough(*bundle.model, bundle.tokenizer->encode("I"), GenerationSettings{},
                                               bundle.tokenizer->eosId());
        QCOMPARE(bundle.tokenizer->decode(run.cached.generated()), std::string("saw a beautiful car [EOS]"));
        QCOMPARE(bundle.tokenizer->decode(run.uncached.generated()), std::string("saw a beautiful car [EOS]"));
        QCOMPARE(run.stepCount(), std::size_t(5));
        QVERIFY(run.worstLogitDiff() <= 1e-5f);
    }

    void configsDescribeTheShapes()
    {
        const ModelConfig& mha = kvtest::shippedModel("tiny-mha").config();
        const ModelConfig& gqa = kvtest::shippedModel("tiny-gqa").config();
        QCOMPARE(mha.nHead, 4);
        QCOMPARE(mha.nKvHead, 4);
        QCOMPARE(gqa.nKvHead, 2);
        QCOMPARE(gqa.headDim(), 8);
        QCOMPARE(mha.name, std::string("tiny-mha"));
        const ModelConfig& llama = kvtest::shippedModel("tiny-llama").config();
        QCOMPARE(llama.family, ModelFamily::Llama);
        QCOMPARE(llama.nKvHead, 2);
        QCOMPARE(llama.mlpWidth(), 88);
        QVERIFY(kvtest::shippedModel("tiny-llama").model->weights().positionEmbedding.size() == 0);
        QVERIFY(kvtest::shippedModel("tiny-llama").model->weights().layers[0].gateWeight.size() == 32 * 88);
    }

    void brokenModelFoldersAreNamed_data()
    {
        QTest::addColumn<QString>("breakage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no folder") << "nofolder" << "model folder not found";
        QTest::newRow("no config") << "noconfig" << "(KV Cache Lab model folder), but it has no config.json";
        QTest::newRow("config cut short") << "badconfig" << "config.json: the file is not valid JSON: it ends too early, at line 1, column 14";
        QTest::newRow("config with a typo") << "typoconfig" << "config.json: the file is not valid JSON: unexpected 'o' at line 3, column 13";
        QTest::newRow("family not a string") << "familytype" << "config.json: field \"family\" must be a string";
        QTest::newRow("epsilon not a number") << "epsilontype" << "config.json: field \"layer_norm_epsilon\" must be a finite number";
        QTest::newRow("kv heads do not divide heads") << "kvheads" << "n_kv_head (3) must divide n_head (4)";
        QTest::newRow("vocabulary size mismatch") << "vocab" << "vocab.txt: holds";
        QTest::newRow("truncated weights") << "truncated" << "model.safetensors: the file is truncated or damaged: tensor";
    }

    void brokenModelFoldersAreNamed()
    {
        QFETCH(QString, breakage);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString source = kvtest::shippedModelDir("tiny-mha");
        for (const char* file : {"config.json", "model.safetensors", "vocab.txt"})
            QVERIFY(QFile::copy(source + "/" + file, dir.path() + "/" + file));
        auto rewrite = [&](const char* file, const QByteArray& content) {
            QFile out(dir.path() + "/" + file);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(content);
        };
        QString folder = dir.path();
        if (breakage == "nofolder")
            folder += "/absent";
        else if (breakage == "noconfig")
            QFile::remove(dir.path() + "/config.json");
        else if (breakage == "badconfig")
            rewrite("config.json", "{ \"n_layer\": ");
        else if (breakage == "typoconfig")
            rewrite("config.json", "{\n  \"n_layer\": 2,\n  \"n_embd\": oops\n}");
        else if (breakage == "familytype")
            rewrite("config.json", R"({"family":3,"n_layer":2,"n_embd":32,"n_head":4,"n_positions":16,"vocab_size":9})");
        else if (breakage == "epsilontype")
            rewrite("config.json", R"({"n_layer":2,"n_embd":32,"n_head":4,"n_positions":16,"vocab_size":9,"layer_norm_epsilon":"small"})");
        else if (breakage == "kvheads")
            rewrite("config.json", R"({"n_layer":2,"n_embd":32,"n_head":4,"n_kv_head":3,"n_positions":16,"vocab_size":9})");
        else if (breakage == "vocab")
            rewrite("vocab.txt", "[EOS]\nI\n");
        else if (breakage == "truncated")
            QFile::resize(dir.path() + "/model.safetensors", QFileInfo(dir.path() + "/model.safetensors").size() / 2);
        try {
            ModelBundle::load(folder.toStdString());
            QFAIL("no error");
        } catch (const LoadError& error) {
            QVERIFY2(QString(error.what()).contains(expected), error.what());
            QVERIFY2(!QString(error.what()).contains("exception"), error.what()); // never the library's own text
            QCOMPARE(QString::fromStdString(error.file() + ": " + error.problem()), QString(error.what()));
        }
    }
};

QTEST_GUILESS_MAIN(TestShippedModels)
#include "tst_shippedmodels.moc"
