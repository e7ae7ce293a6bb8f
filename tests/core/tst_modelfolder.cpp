#include "core/decode/DecodeSession.h"
#include "core/io/CheckpointFormats.h"
#include "core/io/LoadError.h"
#include "core/io/ModelFolderFormat.h"
#include "core/io/SafetensorsFile.h"
#include "core/io/ModelBundle.h"
#include "core/io/ModelFolderWriter.h"
#include "tests/support/TestModels.h"
#include "core/lab/WalkThrough.h"
#include "core/tensor/PackedMatrix.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace kv;

namespace {

const std::string kVocabulary = KVLAB_ASSETS_DIR "/models/tiny-mha/vocab.txt";

ModelConfig shape(int layers, int embd, int heads, int kvHeads, int context, const std::string& name = "")
{
    ModelConfig config;
    config.name = name;
    config.nLayer = layers;
    config.nEmbd = embd;
    config.nHead = heads;
    config.nKvHead = kvHeads;
    config.nPositions = context;
    return config;
}

bool allFinite(const RowVector& logits)
{
    return logits.allFinite();
}

// Keeps, per head, the largest attention weight of the newest query row.
class PeakWeights : public ForwardObserver {
public:
    void onHead(HeadRecord&& record) override
    {
        peaks.push_back(record.weights.row(record.weights.rows() - 1).maxCoeff());
        keys = static_cast<int>(record.weights.cols());
    }
    std::vector<float> peaks;
    int keys = 0;
};

// Feeds `count` fixed tokens through the cached path; returns whether every
// logit stayed finite and fills `peaks` from the last step's heads.
bool decodeFixedTokens(const Transformer& model, int count, PeakWeights& peaks)
{
    const std::vector<int> tokens = kvtest::randomTokens(count, model.config().vocabSize, 5);
    DecodeSession session(model, DecodeMode::Cached);
    bool finite = allFinite(session.start({tokens[0]}).logits);
    for (int t = 1; t < count; ++t)
        finite = allFinite(session.next(tokens[std::size_t(t)], t + 1 == count ? &peaks : nullptr).logits) && finite;
    return finite;
}

float median(std::vector<float> values)
{
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(values.size() / 2), values.end());
    return values[values.size() / 2];
}

} // namespace

class TestModelFolder : public QObject {
    Q_OBJECT

private:
    struct Run {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Run runTool(const QStringList& arguments)
    {
        QProcess process;
        process.start(QStringLiteral(KVLAB_MAKE_MODEL), arguments);
        if (!process.waitForFinished(120000))
            return {};
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }

private slots:
    void theFolderFormatIsFoundByItsFiles()
    {
        const CheckpointFormat& format = CheckpointFormats::find(kvtest::shippedModelDir("tiny-gqa").toStdString());
        QCOMPARE(format.name(), std::string("KV Cache Lab model folder"));
        QVERIFY(format.supports(kvtest::shippedModelDir("tiny-mha").toStdString()));
        QVERIFY(!format.supports(kVocabulary));
    }

    // Nothing supports the path: the error says what each format expected and
    // why the path is not it.
    void unknownPathsListWhatWasExpected_data()
    {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<QString>("expected");
        QTest::newRow("a file") << "file" << "but it is not a folder";
        QTest::newRow("an empty folder") << "empty" << "but it has no config.json, model.safetensors, vocab.txt";
        QTest::newRow("no vocabulary") << "novocab" << "but it has no vocab.txt";
        QTest::newRow("missing") << "missing" << "model folder not found";
    }

    void unknownPathsListWhatWasExpected()
    {
        QFETCH(QString, layout);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString target = dir.path() + "/target";
        if (layout == "file")
            QVERIFY(QFile::copy(QString::fromStdString(kVocabulary), target));
        else if (layout != "missing")
            QVERIFY(QDir().mkpath(target));
        if (layout == "novocab")
            for (const char* file : {"config.json", "model.safetensors"})
                QVERIFY(QFile::copy(kvtest::shippedModelDir("tiny-mha") + "/" + file, target + "/" + file));
        try {
            ModelBundle::load(target.toStdString());
            QFAIL("no error");
        } catch (const LoadError& error) {
            QCOMPARE(QString::fromStdString(error.file()), target);
            QVERIFY2(QString(error.what()).contains(expected), error.what());
            if (layout != "missing")
                QVERIFY2(QString(error.what()).contains("expected a folder holding config.json"), error.what());
        }
    }

    // The folder with its weights split over two shards and an index loads the
    // same model as the single file.
    void shardedFolderLoadsTheSameWeights()
    {
        QTemporaryDir dir;
        const std::string folder = (dir.path() + "/sharded").toStdString();
        ModelFolderWriter::writeRandom(folder, shape(2, 16, 4, 2, 8), kVocabulary, 4, 0.2f);
        const ModelBundle single = ModelBundle::load(folder);
        const auto tensors = single.model->weights().toTensors(single.config());
        std::map<std::string, SafetensorsFile::FloatTensor> first, second;
        nlohmann::json weightMap = nlohmann::json::object();
        for (const auto& [name, tensor] : tensors) {
            const bool inFirst = name.starts_with("h.0.") || name.starts_with("w");
            (inFirst ? first : second).emplace(name, tensor);
            weightMap[name] = inFirst ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
        }
        SafetensorsFile::write(folder + "/model-00001-of-00002.safetensors", first);
        SafetensorsFile::write(folder + "/model-00002-of-00002.safetensors", second);
        std::ofstream(folder + "/model.safetensors.index.json") << nlohmann::json{{"weight_map", weightMap}}.dump(1);
        QVERIFY(QFile::remove(QString::fromStdString(folder + "/model.safetensors")));
        QVERIFY(!first.empty() && !second.empty());

        QCOMPARE(ModelFolderFormat::weightsPath(folder), folder + "/model.safetensors.index.json");
        const ModelBundle sharded = ModelBundle::load(folder);
        QVERIFY(sharded.model->weights().toTensors(sharded.config()) == tensors);
    }

    void writtenFolderLoadsBackEqual()
    {
        QTemporaryDir dir;
        const std::string folder = (dir.path() + "/gqa-3x48").toStdString();
        const float scale = ModelFolderWriter::defaultScale(48);
        const ModelConfig written = ModelFolderWriter::writeRandom(folder, shape(3, 48, 6, 2, 40), kVocabulary, 9, scale);
        const ModelBundle bundle = ModelBundle::load(folder);

        const ModelConfig& loaded = bundle.config();
        QCOMPARE(loaded.name, std::string("gqa-3x48"));
        QCOMPARE(loaded.family, ModelFamily::Gpt2);
        QCOMPARE(loaded.nLayer, 3);
        QCOMPARE(loaded.nEmbd, 48);
        QCOMPARE(loaded.nHead, 6);
        QCOMPARE(loaded.nKvHead, 2);
        QCOMPARE(loaded.nPositions, 40);
        QCOMPARE(loaded.vocabSize, 149);
        QCOMPARE(loaded.vocabSize, written.vocabSize);
        QCOMPARE(loaded.normEps, written.normEps);
        QCOMPARE(loaded.eosToken, std::string("[EOS]"));
        QCOMPARE(bundle.tokenizer->vocabulary(), kvtest::shippedModel("tiny-mha").tokenizer->vocabulary());

        const auto expected = ModelWeights::random(written, 9, scale).toTensors(written);
        const auto actual = bundle.model->weights().toTensors(loaded);
        QCOMPARE(actual.size(), expected.size());
        for (const auto& [name, tensor] : expected) {
            QVERIFY2(actual.count(name), name.c_str());
            QVERIFY2(actual.at(name) == tensor, name.c_str());
        }
    }

    void configJsonHoldsEveryField()
    {
        QTemporaryDir dir;
        ModelFolderWriter::writeRandom(dir.path().toStdString(), shape(1, 16, 2, 1, 8, "named"), kVocabulary, 1, 0.1f);
        QFile file(dir.path() + "/config.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(json.value("family").toString(), QString("gpt2"));
        QCOMPARE(json.value("n_layer").toInt(), 1);
        QCOMPARE(json.value("n_embd").toInt(), 16);
        QCOMPARE(json.value("n_head").toInt(), 2);
        QCOMPARE(json.value("n_kv_head").toInt(), 1);
        QCOMPARE(json.value("n_positions").toInt(), 8);
        QCOMPARE(json.value("vocab_size").toInt(), 149);
        QCOMPARE(json.value("layer_norm_epsilon").toDouble(), 1e-5);
        QCOMPARE(json.value("activation").toString(), QString("gelu_tanh"));
        QCOMPARE(json.value("eos_token").toString(), QString("[EOS]"));
        QCOMPARE(json.value("name").toString(), QString("named"));
        QVERIFY(json.value("description").toString().contains("1 layers, 16-dim embeddings, 2 query heads, 1 KV heads"));
    }

    void loadedModelDecodesFiniteAndBothPathsAgree()
    {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        ModelFolderWriter::writeRandom(folder, shape(3, 48, 6, 2, 40), kVocabulary, 9, ModelFolderWriter::defaultScale(48));
        const ModelBundle bundle = ModelBundle::load(folder);
        GenerationSettings settings;
        settings.maxNewTokens = 30;
        settings.stopAtEos = false;
        const WalkThrough run = runWalkThrough(*bundle.model, bundle.tokenizer->encode("I saw a"), settings,
                                               bundle.tokenizer->eosId());
        QCOMPARE(run.cached.generated().size(), std::size_t(30));
        QVERIFY(run.sameTokens());
        for (const Trace* trace : {&run.cached, &run.uncached})
            for (const StepRecord& step : trace->steps)
                QVERIFY2(step.logits.allFinite(), qPrintable(QString("step %1").arg(step.index)));
        qInfo("3 layers, d=48, 6/2 heads: worst |dlogit| between the paths %g", double(run.worstLogitDiff()));
        QVERIFY2(run.worstLogitDiff() <= 1e-5f, qPrintable(QString::number(run.worstLogitDiff())));
    }

    // The default scale makes attention at GPT-2's width far from uniform, where
    // GPT-2's own 0.02 is not, and keeps every logit finite over 150 tokens.
    void defaultScaleSharpensAttentionAtGpt2Width_data()
    {
        QTest::addColumn<float>("scale");
        QTest::addColumn<bool>("sharp");
        QTest::newRow("GPT-2's 0.02") << 0.02f << false;
        QTest::newRow("default") << ModelFolderWriter::defaultScale(768) << true;
    }

    void defaultScaleSharpensAttentionAtGpt2Width()
    {
        QFETCH(float, scale);
        QFETCH(bool, sharp);
        ModelConfig config = shape(12, 768, 12, 12, 150, "wide");
        config.vocabSize = 149;
        const Transformer model(config, ModelWeights::random(config, 1, scale));
        PeakWeights peaks;
        QVERIFY(decodeFixedTokens(model, 150, peaks));
        QCOMPARE(peaks.keys, 150);
        QCOMPARE(peaks.peaks.size(), std::size_t(12 * 12));
        const float uniform = 1.0f / float(peaks.keys);
        const float weakest = *std::min_element(peaks.peaks.begin(), peaks.peaks.end());
        const float middle = median(peaks.peaks);
        qInfo("scale %g: newest row's largest weight over 144 heads: least %g, median %g (uniform %g)", double(scale),
              double(weakest), double(middle), double(uniform));
        QCOMPARE(weakest >= 5.0f * uniform && middle >= 10.0f * uniform, sharp);
    }

    // GPT-2 small's block shape (85M parameters with this vocabulary, 340 MB).
    void gpt2SizedFolderWritesAndLoads()
    {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        QElapsedTimer timer;
        timer.start();
        const ModelConfig written = ModelFolderWriter::writeRandom(folder, shape(12, 768, 12, 12, 256), kVocabulary, 1,
                                                                   ModelFolderWriter::defaultScale(768));
        const qint64 writeMs = timer.restart();
        const ModelBundle bundle = ModelBundle::load(folder);
        const qint64 loadMs = timer.elapsed();
        const auto bytes = QFileInfo(dir.path() + "/model.safetensors").size();
        qInfo("12 layers, d=768, 12 heads, context 256: %lld bytes written in %lld ms, loaded in %lld ms",
              static_cast<long long>(bytes), writeMs, loadMs);

        QCOMPARE(bundle.config().nLayer, written.nLayer);
        QCOMPARE(bundle.config().nEmbd, 768);
        QCOMPARE(bundle.config().nPositions, 256);
        std::int64_t parameters = 0;
        const ModelWeights copy = bundle.model->copyWeights();
        for (const auto& [name, tensor] : copy.toTensors(bundle.config()))
            parameters += std::int64_t(tensor.second.size());
        const std::int64_t d = 768;
        QCOMPARE(parameters, 149 * d + 256 * d + 12 * (12 * d * d + 13 * d) + 2 * d);
        // Packed (the BLAS kernel on an AVX2/FMA build), the layers' matrices
        // are held once, in the packed copy; unpacked, they are the file's.
        const bool packed = bundle.model->kernel() == ProductKernel::Blas && PackedMatrix::available();
        QCOMPARE(bundle.model->weights().layers[11].downWeight.size() == 0, packed);
        const std::vector<float> stored = SafetensorsFile::read(folder + "/model.safetensors").floats("h.11.mlp.c_proj.weight");
        QCOMPARE(Matrix(copy.layers[11].downWeight.map()), Matrix(Eigen::Map<const Matrix>(stored.data(), 4 * d, d)));
        QVERIFY(bytes > parameters * 4);
        DecodeSession session(*bundle.model, DecodeMode::Cached);
        QVERIFY(session.start(bundle.tokenizer->encode("I saw a")).logits.allFinite());
    }

    void errorsNameTheCulprit_data()
    {
        QTest::addColumn<QString>("folder"); // relative to a temporary directory
        QTest::addColumn<int>("embd");
        QTest::addColumn<int>("kvHeads");
        QTest::addColumn<QString>("vocabulary");
        QTest::addColumn<QString>("expected");
        QTest::newRow("folder under a file") << "file/model" << 16 << 2 << QString::fromStdString(kVocabulary)
                                             << "file/model: cannot create the model folder";
        QTest::newRow("n_embd not a multiple") << "model" << 18 << 2 << QString::fromStdString(kVocabulary)
                                               << "model/config.json: n_embd (18) must be a positive multiple of n_head (4)";
        QTest::newRow("n_kv_head not dividing") << "model" << 16 << 3 << QString::fromStdString(kVocabulary)
                                                << "model/config.json: n_kv_head (3) must divide n_head (4)";
        QTest::newRow("missing vocabulary") << "model" << 16 << 2 << "/nonexistent/vocab.txt"
                                            << "/nonexistent/vocab.txt: cannot open file";
    }

    void errorsNameTheCulprit()
    {
        QFETCH(QString, folder);
        QFETCH(int, embd);
        QFETCH(int, kvHeads);
        QFETCH(QString, vocabulary);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QFile file(dir.path() + "/file");
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        try {
            ModelFolderWriter::writeRandom((dir.path() + "/" + folder).toStdString(), shape(1, embd, 4, kvHeads, 8),
                                           vocabulary.toStdString(), 1, 0.1f);
            QFAIL("no error");
        } catch (const LoadError& error) {
            QVERIFY2(QString(error.what()).contains(expected), error.what());
        }
    }

    void vocabularyOfTheWrongSizeIsRefused()
    {
        QTemporaryDir dir;
        ModelConfig config = shape(1, 16, 2, 2, 8, "m");
        config.vocabSize = 20;
        const ModelWeights weights = ModelWeights::random(config, 1, 0.1f);
        try {
            ModelFolderWriter::write(dir.path().toStdString(), config, weights, kVocabulary, "");
            QFAIL("no error");
        } catch (const LoadError& error) {
            QCOMPARE(QString::fromStdString(error.file()), QString::fromStdString(kVocabulary));
            QVERIFY2(QString(error.what()).contains("holds 149 tokens but vocab_size is 20"), error.what());
        }
    }

    void toolWritesAFolderTheLoaderReads()
    {
        QTemporaryDir dir;
        const QString folder = dir.path() + "/from-tool";
        const Run result = runTool({folder, "--layers", "2", "--embd", "32", "--heads", "4", "--kv-heads", "2",
                                    "--context", "20", "--seed", "3"});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.err.isEmpty(), qPrintable(result.err));
        QVERIFY2(result.out.startsWith("wrote " + folder + ": from-tool, 2 layers"), qPrintable(result.out));
        const ModelBundle bundle = ModelBundle::load(folder.toStdString());
        QCOMPARE(bundle.config().name, std::string("from-tool"));
        QCOMPARE(bundle.config().nKvHead, 2);
        QCOMPARE(bundle.config().nPositions, 20);
        QCOMPARE(bundle.config().vocabSize, 149);
        const ModelWeights expected = ModelWeights::random(bundle.config(), 3, ModelFolderWriter::defaultScale(32));
        QVERIFY(bundle.model->weights().toTensors(bundle.config()) == expected.toTensors(bundle.config()));
    }

    void toolHelpExitsZero()
    {
        const Run result = runTool({"--help"});
        QCOMPARE(result.exitCode, 0);
        for (const char* option : {"OUT_DIR", "--layers", "--embd", "--heads", "--kv-heads", "--context", "--seed",
                                   "--vocab", "--name", "--scale"})
            QVERIFY2(result.out.contains(option), option);
    }

    void toolUsageErrorsExitTwoWithOneLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        const QString out = QDir::tempPath() + "/kvlab-never-written";
        QTest::newRow("nothing") << QStringList{} << "missing OUT_DIR";
        QTest::newRow("missing --embd") << QStringList{out, "--layers", "2", "--heads", "4"} << "missing --embd";
        QTest::newRow("not a number") << QStringList{out, "--layers", "two", "--embd", "32", "--heads", "4"}
                                      << "--layers must be an integer of at least 1, got \"two\"";
        QTest::newRow("zero heads") << QStringList{out, "--layers", "2", "--embd", "32", "--heads", "0"}
                                    << "--heads must be an integer of at least 1, got \"0\"";
        QTest::newRow("unknown option") << QStringList{out, "--frobnicate", "1"} << "unknown option --frobnicate";
        QTest::newRow("no value") << QStringList{out, "--layers"} << "--layers needs a value";
        QTest::newRow("two folders") << QStringList{out, "other"} << "unexpected argument \"other\"";
        QTest::newRow("bad shape") << QStringList{out, "--layers", "2", "--embd", "50", "--heads", "12"}
                                   << "n_embd (50) must be a positive multiple of n_head (12)";
        QTest::newRow("bad scale") << QStringList{out, "--layers", "2", "--embd", "32", "--heads", "4", "--scale", "-1"}
                                   << "--scale must be a positive number";
        QTest::newRow("missing vocabulary")
            << QStringList{out, "--layers", "2", "--embd", "32", "--heads", "4", "--vocab", "/nonexistent/v.txt"}
            << "/nonexistent/v.txt: cannot open file";
    }

    void toolUsageErrorsExitTwoWithOneLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Run result = runTool(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(expected), qPrintable(result.err));
        QCOMPARE(result.err.count('\n'), 1);
        QVERIFY(result.out.isEmpty());
        QVERIFY(!QFileInfo::exists(QDir::tempPath() + "/kvlab-never-written"));
    }
};

QTEST_GUILESS_MAIN(TestModelFolder)
#include "tst_modelfolder.moc"
