#include "core/io/LoadError.h"
#include "core/model/ModelWeights.h"
#include "core/io/SafetensorsFile.h"
#include "tests/support/TestModels.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace kv;

namespace {

// Writes a safetensors file by hand: an explicit length field (default: the
// header's real length), the header text, then `data`.
void writeRaw(const std::string& path, const std::string& header, const std::vector<char>& data,
              std::optional<std::uint64_t> lengthField = std::nullopt)
{
    std::ofstream out(path, std::ios::binary);
    const std::uint64_t length = lengthField.value_or(header.size());
    for (int i = 0; i < 8; ++i)
        out.put(static_cast<char>((length >> (8 * i)) & 0xff));
    out << header;
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::vector<char> zeros(std::size_t bytes)
{
    return std::vector<char>(bytes, 0);
}

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return (m_dir.path() + "/" + name).toStdString(); }

    // The message of the LoadError `action` throws, or a failure.
    template <typename Action>
    QString errorOf(Action&& action)
    {
        try {
            action();
        } catch (const LoadError& error) {
            return QString::fromStdString(error.what());
        }
        return QStringLiteral("<no error>");
    }

private slots:
    void roundTripKeepsValuesAndShapes()
    {
        const std::string file = path("round.safetensors");
        SafetensorsFile::write(file, {{"a", {{2, 3}, {1, 2, 3, 4, 5, 6}}}, {"b", {{1}, {-0.5f}}}});
        const SafetensorsFile read = SafetensorsFile::read(file);
        QCOMPARE(read.names(), (std::vector<std::string>{"a", "b"}));
        QCOMPARE(read.info("a").shape, (std::vector<std::int64_t>{2, 3}));
        QCOMPARE(read.floats("a"), (std::vector<float>{1, 2, 3, 4, 5, 6}));
        QCOMPARE(read.floats("b"), (std::vector<float>{-0.5f}));
    }

    void modelWeightsRoundTrip()
    {
        const ModelConfig config = kvtest::smallConfig(2, 4, 2);
        const ModelWeights weights = ModelWeights::random(config, 3);
        const std::string file = path("model.safetensors");
        SafetensorsFile::write(file, weights.toTensors(config));
        const ModelWeights loaded = ModelWeights::fromSafetensors(SafetensorsFile::read(file), config);
        QCOMPARE(loaded.layers.size(), std::size_t(2));
        QCOMPARE(kvtest::maxAbsDiff(loaded.layers[1].attnWeight, weights.layers[1].attnWeight), 0.0f);
        QCOMPARE(loaded.layers[1].attnWeight.cols(), Eigen::Index(16 + 2 * 8));
        QCOMPARE(kvtest::maxAbsDiff(loaded.tokenEmbedding, weights.tokenEmbedding), 0.0f);
    }

    void rejectsBadFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing file") << "absent.safetensors" << "cannot open";
        QTest::newRow("truncated below length field") << "short.safetensors" << "truncated";
        QTest::newRow("huge header length") << "huge.safetensors" << "header length 1099511627776 exceeds";
        QTest::newRow("bad JSON") << "badjson.safetensors" << "the header is not valid JSON: it ends too early, at line 1, column 17";
        QTest::newRow("header not an object") << "array.safetensors" << "must be a JSON object";
        QTest::newRow("unknown dtype") << "dtype.safetensors" << "tensor \"w\": unknown dtype \"F12\"";
        QTest::newRow("offsets past the data") << "range.safetensors" << "truncated or damaged: tensor \"w\" needs bytes 0 to 16 of the data section, which holds only 8";
        QTest::newRow("overlapping tensors") << "overlap.safetensors" << "overlap";
        QTest::newRow("size does not match shape") << "size.safetensors" << "tensor \"w\": data_offsets cover 8 bytes but the shape needs 16";
        QTest::newRow("reversed offsets") << "reversed.safetensors" << "end before they begin";
        QTest::newRow("negative shape") << "negative.safetensors" << "non-negative integers";
        QTest::newRow("number out of range (found by fuzzing)") << "overflow.safetensors" << "a number too large to read";
    }

    void rejectsBadFiles()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        writeRaw(path("short.safetensors"), "", {}, 0);
        std::ofstream(path("short.safetensors"), std::ios::binary) << "abc";
        writeRaw(path("huge.safetensors"), "{}", {}, 1ULL << 40);
        writeRaw(path("badjson.safetensors"), "{\"w\": {\"dtype\": ", zeros(16));
        writeRaw(path("array.safetensors"), "[1, 2]", {});
        writeRaw(path("dtype.safetensors"), R"({"w":{"dtype":"F12","shape":[4],"data_offsets":[0,16]}})", zeros(16));
        writeRaw(path("range.safetensors"), R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", zeros(8));
        writeRaw(path("overlap.safetensors"),
                 R"({"v":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"w":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                 zeros(24));
        writeRaw(path("size.safetensors"), R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}})", zeros(16));
        writeRaw(path("reversed.safetensors"), R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", zeros(16));
        writeRaw(path("overflow.safetensors"), R"({"w":{"dtype":"F32","shape":[1e999],"data_offsets":[0,16]}})", zeros(16));
        writeRaw(path("negative.safetensors"), R"({"w":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", zeros(16));

        const std::string target = path(file.toLatin1().constData());
        const QString message = errorOf([&] { SafetensorsFile::read(target); });
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(message.contains(QString::fromStdString(target)), qPrintable(message + " does not name the file"));
        QVERIFY2(!message.contains("json.exception"), qPrintable(message));
    }

    void missingTensorIsNamed()
    {
        const ModelConfig config = kvtest::smallConfig(1, 2, 2);
        auto tensors = ModelWeights::random(config, 1).toTensors(config);
        tensors.erase("h.0.mlp.c_fc.bias");
        const std::string file = path("missing.safetensors");
        SafetensorsFile::write(file, tensors);
        const QString message = errorOf([&] { ModelWeights::fromSafetensors(SafetensorsFile::read(file), config); });
        QVERIFY2(message.contains("missing tensor \"h.0.mlp.c_fc.bias\""), qPrintable(message));
        QVERIFY(message.contains(QString::fromStdString(file)));
    }

    void wrongShapeIsNamedWithBothShapes()
    {
        const ModelConfig config = kvtest::smallConfig(1, 2, 2);
        auto tensors = ModelWeights::random(config, 1).toTensors(config);
        tensors["wpe.weight"] = {{5, 16}, std::vector<float>(80, 0.0f)};
        const std::string file = path("shape.safetensors");
        SafetensorsFile::write(file, tensors);
        const QString message = errorOf([&] { ModelWeights::fromSafetensors(SafetensorsFile::read(file), config); });
        QVERIFY2(message.contains("tensor \"wpe.weight\" has shape [5, 16], expected [12, 16]"), qPrintable(message));
    }

    void wrongDtypeIsNamed()
    {
        writeRaw(path("half.safetensors"), R"({"wte.weight":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}})", zeros(8));
        const SafetensorsFile file = SafetensorsFile::read(path("half.safetensors"));
        const QString message = errorOf([&] { file.floats("wte.weight"); });
        QVERIFY2(message.contains("tensor \"wte.weight\" has dtype F16; only F32 is supported"), qPrintable(message));
    }

    void truncatedModelFileIsRejected()
    {
        const ModelConfig config = kvtest::smallConfig(1, 2, 2);
        const std::string file = path("cut.safetensors");
        SafetensorsFile::write(file, ModelWeights::random(config, 1).toTensors(config));
        std::ifstream in(file, std::ios::binary);
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        bytes.resize(bytes.size() - 100);
        const QString message = errorOf([&] { SafetensorsFile::parse(bytes, "cut.safetensors"); });
        QVERIFY2(message.startsWith("cut.safetensors: the file is truncated or damaged: tensor \""), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
