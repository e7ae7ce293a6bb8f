#include "core/io/CheckpointFormats.h"
#include "core/io/Llama2cCheckpoint.h"
#include "core/io/LoadCancelled.h"
#include "core/io/LoadError.h"
#include "core/io/SafetensorsFile.h"
#include "core/model/ModelWeights.h"
#include "core/model/WeightTable.h"
#include "tests/support/RawSafetensors.h"
#include "tests/support/TestModels.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <fstream>
#include <string>
#include <vector>

using namespace kv;

namespace {

namespace fs = std::filesystem;

const QString kTestData = QStringLiteral(KVLAB_TEST_DATA);
const QString kLlama2c = QStringLiteral(KVLAB_SHARED_DATA "/llama2c");

std::string testData(const char* name)
{
    return (kTestData + "/" + name).toStdString();
}

// The bytes of every tensor in the safetensors files of `folder` (one file,
// or every shard), but those `skip` names.
std::uint64_t tensorBytes(const std::string& folder, const std::function<bool(const std::string&)>& skip = {})
{
    std::uint64_t bytes = 0;
    for (const auto& file : fs::directory_iterator(folder)) {
        if (file.path().extension() != ".safetensors")
            continue;
        for (const auto& [name, info] : SafetensorsFile::readHeader(file.path().string()))
            if (!skip || !skip(name))
                bytes += info.end - info.begin;
    }
    return bytes;
}

// Loads `path` and returns every progress report.
std::vector<LoadProgress> reportsOf(const std::string& path)
{
    std::vector<LoadProgress> reports;
    LoadOptions options{""};
    options.onProgress = [&](const LoadProgress& progress) {
        reports.push_back(progress);
        return true;
    };
    CheckpointFormats::load(path, options);
    return reports;
}

// The largest step between two reports.
std::uint64_t largestStep(const std::vector<LoadProgress>& reports)
{
    std::uint64_t largest = 0;
    for (std::size_t i = 1; i < reports.size(); ++i)
        largest = std::max(largest, reports[i].bytesDone - reports[i - 1].bytesDone);
    return largest;
}

// A BF16 safetensors file of these tensors (each value a small integer over
// 256, so that BF16 holds it exactly).
void writeBf16(const std::string& path, const std::map<std::string, SafetensorsFile::FloatTensor>& tensors)
{
    std::map<std::string, kvtest::RawTensor> raw;
    for (const auto& [name, tensor] : tensors) {
        kvtest::RawTensor& stored = raw[name];
        stored.dtype = "BF16";
        stored.shape = tensor.first;
        for (float value : tensor.second) {
            const auto bits = static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(value) >> 16);
            stored.bytes.append(reinterpret_cast<const char*>(&bits), 2);
        }
    }
    kvtest::writeRawSafetensors(path, raw);
}

} // namespace

// Every format reports the tensor bytes it reads as it goes, and stops with
// LoadCancelled when the report answers false.
class TestLoadProgress : public QObject {
    Q_OBJECT

private slots:
    // From 0 to the total, never backwards, at least once per tensor; the
    // total is the bytes of the tensors the model reads (all of them, but
    // GPT-2's attn.bias / attn.masked_bias buffers).
    void reportsRiseToTheTotalOfTheTensors_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<quint64>("total");
        QTest::addColumn<int>("tensors");
        const auto count = [](const std::string& folder, bool buffers) {
            int tensors = 0;
            for (const auto& file : fs::directory_iterator(folder))
                if (file.path().extension() == ".safetensors")
                    for (const auto& entry : SafetensorsFile::readHeader(file.path().string()))
                        tensors += buffers || (!entry.first.ends_with(".attn.bias") && !entry.first.ends_with(".attn.masked_bias"));
            return tensors;
        };
        for (const char* folder : {"hf-llama-random", "hf-llama-random-sharded", "hf-qwen2-random"})
            QTest::newRow(folder) << kTestData + "/" + folder << quint64(tensorBytes(testData(folder)))
                                  << count(testData(folder), true);
        const auto isBuffer = [](const std::string& name) {
            return name.ends_with(".attn.bias") || name.ends_with(".attn.masked_bias");
        };
        QTest::newRow("hf-gpt2-random (F32)") << kTestData + "/hf-gpt2-random"
                                              << quint64(tensorBytes(testData("hf-gpt2-random"), isBuffer))
                                              << count(testData("hf-gpt2-random"), false);
        const std::string tiny = kvtest::shippedModelDir("tiny-llama").toStdString();
        QTest::newRow("model folder tiny-llama") << QString::fromStdString(tiny) << quint64(tensorBytes(tiny))
                                                 << count(tiny, true);
    }

    void reportsRiseToTheTotalOfTheTensors()
    {
        QFETCH(QString, path);
        QFETCH(quint64, total);
        QFETCH(int, tensors);
        QVERIFY(total > 0);
        const std::vector<LoadProgress> reports = reportsOf(path.toStdString());
        QVERIFY(reports.size() >= std::size_t(tensors) + 1);
        QCOMPARE(reports.front().bytesDone, std::uint64_t(0));
        for (std::size_t i = 0; i < reports.size(); ++i) {
            QCOMPARE(reports[i].bytesTotal, std::uint64_t(total));
            if (i > 0)
                QVERIFY(reports[i].bytesDone >= reports[i - 1].bytesDone);
        }
        QCOMPARE(reports.back().bytesDone, std::uint64_t(total));
    }

    // llama2.c's .bin: every tensor read (the legacy RoPE tables are not).
    void llama2cCheckpointReportsItsTensors()
    {
        const std::string bin = (kLlama2c + "/stories260K.bin").toStdString();
        if (!fs::exists(bin))
            QSKIP(qPrintable("the reference data is absent: " + QString::fromStdString(bin)));
        const Llama2cCheckpoint checkpoint = Llama2cCheckpoint::open(bin);
        std::uint64_t total = 0;
        for (const std::string& name : checkpoint.names())
            total += checkpoint.tensor(name).values.size_bytes();
        const std::vector<LoadProgress> reports = reportsOf(bin);
        QVERIFY(reports.size() > checkpoint.names().size());
        QCOMPARE(reports.front().bytesDone, std::uint64_t(0));
        QCOMPARE(reports.back().bytesDone, total);
        QCOMPARE(reports.back().bytesTotal, total);
    }

    // Cancelled at the first report, before any tensor is read: LoadCancelled
    // naming the weights file, which is not a LoadError (the file is fine).
    void falseAtTheFirstReportCancels_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("file");
        QTest::newRow("single file") << kTestData + "/hf-llama-random" << kTestData + "/hf-llama-random/model.safetensors";
        QTest::newRow("sharded") << kTestData + "/hf-llama-random-sharded"
                                 << kTestData + "/hf-llama-random-sharded/model.safetensors.index.json";
        const QString tiny = kvtest::shippedModelDir("tiny-mha");
        QTest::newRow("model folder") << tiny << tiny + "/model.safetensors";
        const QString bin = kLlama2c + "/stories260K.bin";
        if (QFile::exists(bin))
            QTest::newRow("llama2.c") << bin << bin;
    }

    void falseAtTheFirstReportCancels()
    {
        QFETCH(QString, path);
        QFETCH(QString, file);
        int calls = 0;
        LoadOptions options{""};
        options.onProgress = [&](const LoadProgress&) {
            ++calls;
            return false;
        };
        try {
            CheckpointFormats::load(path.toStdString(), options);
            QFAIL("the load went on");
        } catch (const LoadError& error) {
            QFAIL(qPrintable(QString("a LoadError, not LoadCancelled: ") + error.what()));
        } catch (const LoadCancelled& cancelled) {
            QCOMPARE(QString::fromStdString(cancelled.file()), file);
            QVERIFY(std::string(cancelled.what()).find("cancelled") != std::string::npos);
        }
        QCOMPARE(calls, 1);
    }

    // Cancelled half-way: the load stops at that report.
    void falseLaterStopsThere()
    {
        int calls = 0;
        LoadOptions options{""};
        options.onProgress = [&](const LoadProgress&) { return ++calls < 5; };
        QVERIFY_THROWS_EXCEPTION(LoadCancelled, CheckpointFormats::load(testData("hf-llama-random-sharded"), options));
        QCOMPARE(calls, 5);
    }

    // A large BF16 tensor is widened in chunks, each reported: no step between
    // two reports is longer than ModelWeights::kProgressChunkBytes, and the
    // values come out whole.
    void largeTensorsReportAsTheyAreConverted()
    {
        ModelConfig config = ModelConfig::llama("big-vocab", 1, 64, 4, 2, 8, 40000, 96);
        config.tiedClassifier = false; // lm_head: a second large tensor
        std::map<std::string, SafetensorsFile::FloatTensor> tensors;
        for (const WeightEntry& entry : weightTable(config)) {
            std::vector<float> values(static_cast<std::size_t>(entry.elements()));
            for (std::size_t i = 0; i < values.size(); ++i)
                values[i] = float(int((i * 7 + entry.name.size()) % 256) - 128) / 256.0f;
            tensors[entry.name] = {entry.shape, values};
        }
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/model.safetensors";
        writeBf16(path, tensors);
        std::vector<LoadProgress> reports;
        const ModelWeights weights = ModelWeights::fromSafetensors(
            SafetensorsFile::read(path), config, [](const WeightEntry& entry) { return entry.name; },
            [&](const LoadProgress& progress) {
                reports.push_back(progress);
                return true;
            });
        const std::uint64_t embeddingBytes = 40000 * 64 * 2; // 5 MB: two chunks
        QCOMPARE(reports.back().bytesDone, tensorBytes(dir.path().toStdString()));
        QVERIFY(reports.back().bytesTotal > embeddingBytes);
        QVERIFY(largestStep(reports) <= ModelWeights::kProgressChunkBytes);
        QVERIFY(reports.size() >= weightTable(config).size() + 2);
        const auto& embedding = tensors.at("model.embed_tokens.weight").second;
        QVERIFY(weights.tokenEmbedding.map() == Eigen::Map<const Matrix>(embedding.data(), 40000, 64));
        const auto& classifier = tensors.at("lm_head.weight").second;
        QVERIFY(weights.classifier.map() == Eigen::Map<const Matrix>(classifier.data(), 40000, 64));
    }
};

QTEST_GUILESS_MAIN(TestLoadProgress)
#include "tst_loadprogress.moc"
