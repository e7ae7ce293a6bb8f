#include "core/io/LoadError.h"
#include "core/model/ModelWeights.h"
#include "core/io/SafetensorsFile.h"
#include "tests/support/TestModels.h"

#include <QTemporaryDir>
#include <QtTest>

#include <bit>
#include <cmath>
#include <fstream>
#include <limits>

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

    // A mapped F32 tensor is read where it lies; released, its pages leave
    // memory but its values are read from the file again.
    void f32IsReadInPlaceAndStaysReadableAfterRelease()
    {
        const std::string file = path("inplace.safetensors");
        std::vector<float> big(3 * 4096); // spans whole pages, so release() drops some
        for (std::size_t i = 0; i < big.size(); ++i)
            big[i] = static_cast<float>(i) * 0.5f;
        SafetensorsFile::write(file, {{"big", {{3, 4096}, big}}, {"b", {{1}, {-0.5f}}}});
        const SafetensorsFile read = SafetensorsFile::read(file);
        const auto view = read.inPlace("big");
        QVERIFY(view.has_value()); // the writer keeps the data 4-byte aligned
        QCOMPARE(std::vector<float>(view->begin(), view->end()), big);
        read.release("big");
        QCOMPARE(std::vector<float>(view->begin(), view->end()), big);
        QCOMPARE(read.floats("big"), big);
        // Bytes handed to parse() are not a mapping: nothing to release, still readable.
        std::ifstream in(file, std::ios::binary);
        const SafetensorsFile parsed = SafetensorsFile::parse(
            std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), file);
        parsed.release("b");
        QCOMPARE(parsed.floats("b"), std::vector<float>{-0.5f});
    }

    void modelWeightsRoundTrip()
    {
        const ModelConfig config = kvtest::smallConfig(2, 4, 2);
        const ModelWeights weights = ModelWeights::random(config, 3);
        const std::string file = path("model.safetensors");
        SafetensorsFile::write(file, weights.toTensors(config));
        const ModelWeights loaded = ModelWeights::fromSafetensors(SafetensorsFile::read(file), config);
        QCOMPARE(loaded.layers.size(), std::size_t(2));
        QCOMPARE(kvtest::maxAbsDiff(loaded.layers[1].qkvWeight.map(), weights.layers[1].qkvWeight.map()), 0.0f);
        QCOMPARE(loaded.layers[1].qkvWeight.cols(), Eigen::Index(16 + 2 * 8));
        QCOMPARE(kvtest::maxAbsDiff(loaded.tokenEmbedding.map(), weights.tokenEmbedding.map()), 0.0f);
    }

    void rejectsBadFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing file") << "absent.safetensors" << "cannot open";
        QTest::newRow("truncated below length field") << "short.safetensors" << "truncated";
        QTest::newRow("huge header length") << "huge.safetensors" << "header length 1099511627776 exceeds the 100000000 bytes safetensors allows";
        QTest::newRow("header just over 100 MB") << "limit.safetensors" << "header length 100000001 exceeds the 100000000 bytes safetensors allows";
        QTest::newRow("shape past size_t") << "elements.safetensors" << "tensor \"w\": the shape holds more elements than any file can";
        QTest::newRow("dimension past int64") << "dimension.safetensors" << "tensor \"w\": shape dimension 18446744073709551615 is too large";
        QTest::newRow("offsets past size_t") << "offsets.safetensors" << "tensor \"w\": data_offsets must be two non-negative integers";
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
        writeRaw(path("limit.safetensors"), "{}", {}, SafetensorsFile::kMaxHeaderBytes + 1);
        writeRaw(path("elements.safetensors"),
                 R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,16]}})", zeros(16));
        writeRaw(path("dimension.safetensors"),
                 R"({"w":{"dtype":"U8","shape":[18446744073709551615],"data_offsets":[0,16]}})", zeros(16));
        writeRaw(path("offsets.safetensors"),
                 R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[18446744073709551616,1]}})", zeros(16));
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
        writeRaw(path("ints.safetensors"), R"({"wte.weight":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}})", zeros(8));
        const SafetensorsFile file = SafetensorsFile::read(path("ints.safetensors"));
        const QString message = errorOf([&] { file.floats("wte.weight"); });
        QVERIFY2(message.contains("tensor \"wte.weight\" has dtype I32; supported: F32, F16 and BF16"), qPrintable(message));
    }

    // F16 and BF16 bit patterns and the float32 each stands for exactly.
    void halfFloatsWidenExactly_data()
    {
        QTest::addColumn<QString>("dtype");
        QTest::addColumn<int>("bits");
        QTest::addColumn<float>("expected");
        const float infinity = std::numeric_limits<float>::infinity();
        QTest::newRow("F16 one") << "F16" << 0x3c00 << 1.0f;
        QTest::newRow("F16 minus two") << "F16" << 0xc000 << -2.0f;
        QTest::newRow("F16 one third") << "F16" << 0x3555 << 0.333251953125f;
        QTest::newRow("F16 largest") << "F16" << 0x7bff << 65504.0f;
        QTest::newRow("F16 smallest normal") << "F16" << 0x0400 << 6.103515625e-05f;
        QTest::newRow("F16 smallest subnormal") << "F16" << 0x0001 << 5.9604644775390625e-08f;
        QTest::newRow("F16 largest subnormal") << "F16" << 0x03ff << 6.0975551605224609375e-05f;
        QTest::newRow("F16 negative subnormal") << "F16" << 0x8200 << -3.0517578125e-05f;
        QTest::newRow("F16 minus zero") << "F16" << 0x8000 << -0.0f;
        QTest::newRow("F16 infinity") << "F16" << 0x7c00 << infinity;
        QTest::newRow("F16 minus infinity") << "F16" << 0xfc00 << -infinity;
        QTest::newRow("BF16 one") << "BF16" << 0x3f80 << 1.0f;
        QTest::newRow("BF16 minus five") << "BF16" << 0xc0a0 << -5.0f;
        QTest::newRow("BF16 pi") << "BF16" << 0x4049 << 3.140625f;
        QTest::newRow("BF16 largest") << "BF16" << 0x7f7f << 3.3895313892515355e38f;
        QTest::newRow("BF16 subnormal") << "BF16" << 0x0001 << 9.18354961579912115600575419705e-41f;
        QTest::newRow("BF16 minus infinity") << "BF16" << 0xff80 << -infinity;
    }

    void halfFloatsWidenExactly()
    {
        QFETCH(QString, dtype);
        QFETCH(int, bits);
        QFETCH(float, expected);
        // One element at an odd offset, after a one-byte U8: reads need no alignment.
        const std::string header = QStringLiteral("{\"pad\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                                                  "\"x\":{\"dtype\":\"%1\",\"shape\":[1,1],\"data_offsets\":[1,3]}}")
                                       .arg(dtype).toStdString();
        writeRaw(path("half.safetensors"), header, {char(7), char(bits & 0xff), char(bits >> 8)});
        const std::vector<float> values = SafetensorsFile::read(path("half.safetensors")).floats("x");
        QCOMPARE(values.size(), std::size_t(1));
        QCOMPARE(std::bit_cast<std::uint32_t>(values[0]), std::bit_cast<std::uint32_t>(expected));
    }

    void halfFloatNanStaysNan()
    {
        writeRaw(path("nan.safetensors"), R"({"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})",
                 {char(0x00), char(0x7e), char(0x01), char(0xfc)});
        const std::vector<float> values = SafetensorsFile::read(path("nan.safetensors")).floats("x");
        QVERIFY(std::isnan(values[0]));
        QVERIFY(std::isnan(values[1])); // 0xfc01: a negative NaN with a payload
    }

    // A sharded checkpoint: the index's weight_map sends each tensor to its shard.
    void shardedIndexFindsEachTensorInItsShard()
    {
        SafetensorsFile::write(path("model-00001-of-00002.safetensors"), {{"a", {{2}, {1, 2}}}, {"b", {{1}, {3}}}});
        SafetensorsFile::write(path("model-00002-of-00002.safetensors"), {{"c", {{3}, {4, 5, 6}}}});
        std::ofstream(path("model.safetensors.index.json"))
            << R"({"metadata":{"total_size":24},"weight_map":{"a":"model-00001-of-00002.safetensors",
                  "b":"model-00001-of-00002.safetensors","c":"model-00002-of-00002.safetensors"}})";
        const SafetensorsFile checkpoint = SafetensorsFile::read(path("model.safetensors.index.json"));
        QCOMPARE(checkpoint.shardCount(), std::size_t(2));
        QCOMPARE(checkpoint.names(), (std::vector<std::string>{"a", "b", "c"}));
        QCOMPARE(checkpoint.floats("a"), (std::vector<float>{1, 2}));
        QCOMPARE(checkpoint.floats("b"), (std::vector<float>{3}));
        QCOMPARE(checkpoint.floats("c"), (std::vector<float>{4, 5, 6}));
        QCOMPARE(checkpoint.sourceOf("c"), path("model-00002-of-00002.safetensors"));
        QCOMPARE(checkpoint.source(), path("model.safetensors.index.json"));
    }

    void shardedIndexErrorsNameTheCulprit_data()
    {
        QTest::addColumn<QString>("index");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not JSON") << R"({"weight_map": )" << "index.json: the index is not valid JSON: it ends too early";
        QTest::newRow("no weight_map") << R"({"metadata": {}})" << "index.json: the index must be a JSON object with a \"weight_map\" object";
        QTest::newRow("shard not a string") << R"({"weight_map": {"a": 3}})" << "weight_map entry of tensor \"a\": must be a file name, not the integer 3";
        QTest::newRow("shard outside the folder") << R"({"weight_map": {"a": "../one.safetensors"}})" << "weight_map entry of tensor \"a\": \"../one.safetensors\" must name a file beside the index";
        QTest::newRow("shard missing") << R"({"weight_map": {"a": "absent.safetensors"}})" << "absent.safetensors: cannot open file";
        QTest::newRow("tensor not in its shard") << R"({"weight_map": {"z": "one.safetensors"}})" << "one.safetensors: missing tensor \"z\", which";
    }

    void shardedIndexErrorsNameTheCulprit()
    {
        QFETCH(QString, index);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        SafetensorsFile::write(folder + "/one.safetensors", {{"a", {{1}, {1}}}});
        std::ofstream(folder + "/index.json") << index.toStdString();
        const QString message = errorOf([&] { SafetensorsFile::readSharded(folder + "/index.json"); });
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(!message.contains("json.exception"), qPrintable(message));
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
