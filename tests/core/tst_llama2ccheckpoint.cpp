#include "core/io/Llama2cCheckpoint.h"
#include "core/io/LoadError.h"
#include "core/util/NumberFormat.h"

#include "tests/support/BinaryFile.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>

using namespace kv;

using kvtest::put;
using kvtest::putFloats;

namespace {

const QString kShared260K = QStringLiteral(KVLAB_SHARED_DATA "/llama2c/stories260K.bin");

// The seven numbers of a llama2.c header, as written (vocab signed in version 0).
struct Shape {
    std::int32_t dim, hidden, layers, heads, kvHeads, vocab, seqLen;
};

const Shape kSmall{8, 6, 2, 2, 1, 5, 3};

std::string legacyHeader(const Shape& s)
{
    std::string bytes;
    for (const std::int32_t value : {s.dim, s.hidden, s.layers, s.heads, s.kvHeads, s.vocab, s.seqLen})
        put(bytes, value);
    return bytes;
}

std::string versionedHeader(const Shape& s, std::int32_t version, std::uint8_t shared)
{
    std::string bytes;
    put(bytes, std::uint32_t(0x616b3432));
    put(bytes, version);
    bytes += legacyHeader(s);
    put(bytes, shared);
    bytes.resize(256, '\0');
    return bytes;
}

// A model's weights by Hugging Face name, drawn at random for `s`.
std::map<std::string, std::vector<float>> randomWeights(const Shape& s, bool shared, std::uint32_t seed)
{
    std::mt19937 random(seed);
    std::normal_distribution<float> normal;
    const auto values = [&](std::int64_t count) {
        std::vector<float> v(static_cast<std::size_t>(count));
        for (float& x : v)
            x = normal(random);
        return v;
    };
    const std::int64_t d = s.dim, kv = s.kvHeads * (s.dim / s.heads), vocab = std::abs(s.vocab);
    std::map<std::string, std::vector<float>> weights;
    weights["model.embed_tokens.weight"] = values(vocab * d);
    for (int l = 0; l < s.layers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        weights[p + "input_layernorm.weight"] = values(d);
        weights[p + "self_attn.q_proj.weight"] = values(d * d);
        weights[p + "self_attn.k_proj.weight"] = values(kv * d);
        weights[p + "self_attn.v_proj.weight"] = values(kv * d);
        weights[p + "self_attn.o_proj.weight"] = values(d * d);
        weights[p + "post_attention_layernorm.weight"] = values(d);
        weights[p + "mlp.gate_proj.weight"] = values(s.hidden * d);
        weights[p + "mlp.down_proj.weight"] = values(d * s.hidden);
        weights[p + "mlp.up_proj.weight"] = values(s.hidden * d);
    }
    weights["model.norm.weight"] = values(d);
    if (!shared)
        weights["lm_head.weight"] = values(vocab * d);
    return weights;
}

void putLayers(std::string& bytes, const std::map<std::string, std::vector<float>>& w, int layers, const char* suffix)
{
    for (int l = 0; l < layers; ++l)
        putFloats(bytes, w.at("model.layers." + std::to_string(l) + "." + suffix));
}

// llama2.c export.py's legacy_export, transcribed.
std::string legacyFile(const Shape& s, const std::map<std::string, std::vector<float>>& w)
{
    std::string bytes = legacyHeader(s);
    putFloats(bytes, w.at("model.embed_tokens.weight"));
    for (const char* suffix : {"input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight",
                               "self_attn.v_proj.weight", "self_attn.o_proj.weight", "post_attention_layernorm.weight",
                               "mlp.gate_proj.weight", "mlp.down_proj.weight", "mlp.up_proj.weight"})
        putLayers(bytes, w, s.layers, suffix);
    putFloats(bytes, w.at("model.norm.weight"));
    const std::size_t freqCis = static_cast<std::size_t>(s.seqLen * (s.dim / s.heads) / 2);
    putFloats(bytes, std::vector<float>(2 * freqCis, 7.0f)); // freqs_cos, freqs_sin
    if (w.count("lm_head.weight"))
        putFloats(bytes, w.at("lm_head.weight"));
    return bytes;
}

// llama2.c export.py's version1_export, transcribed.
std::string version1File(const Shape& s, const std::map<std::string, std::vector<float>>& w)
{
    const bool shared = w.count("lm_head.weight") == 0;
    std::string bytes = versionedHeader(s, 1, shared ? 1 : 0);
    putLayers(bytes, w, s.layers, "input_layernorm.weight");
    putLayers(bytes, w, s.layers, "post_attention_layernorm.weight");
    putFloats(bytes, w.at("model.norm.weight"));
    putFloats(bytes, w.at("model.embed_tokens.weight"));
    for (const char* suffix : {"self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
                               "self_attn.o_proj.weight", "mlp.gate_proj.weight", "mlp.down_proj.weight", "mlp.up_proj.weight"})
        putLayers(bytes, w, s.layers, suffix);
    if (!shared)
        putFloats(bytes, w.at("lm_head.weight"));
    return bytes;
}

QString grouped(std::size_t count)
{
    return QString::fromStdString(groupDigits(static_cast<std::int64_t>(count)));
}

std::vector<float> toVector(std::span<const float> values)
{
    return {values.begin(), values.end()};
}

// llama2.c run.c's forward() transcribed over the checkpoint's named views:
// float32 throughout, in run.c's order of operations. The logits at `pos`
// after feeding `token`; `keys`/`values` are the cache, (layer, pos, kv_dim).
class RuncForward {
public:
    explicit RuncForward(const Llama2cCheckpoint& checkpoint) : m_c(checkpoint), m_h(checkpoint.header())
    {
        const std::size_t cache = static_cast<std::size_t>(m_h.nLayers) * m_h.seqLen * kvDim();
        m_keys.assign(cache, 0.0f);
        m_values.assign(cache, 0.0f);
    }

    std::vector<float> forward(int token, int pos)
    {
        const int d = m_h.dim, hs = m_h.headSize(), kv = kvDim();
        std::vector<float> x(tensor("model.embed_tokens.weight").begin() + static_cast<std::ptrdiff_t>(token) * d,
                             tensor("model.embed_tokens.weight").begin() + static_cast<std::ptrdiff_t>(token + 1) * d);
        for (int l = 0; l < m_h.nLayers; ++l) {
            const std::string p = "model.layers." + std::to_string(l) + ".";
            std::vector<float> xb = rmsnorm(x, tensor(p + "input_layernorm.weight"));
            std::vector<float> q = matmul(xb, tensor(p + "self_attn.q_proj.weight"), d);
            std::vector<float> k = matmul(xb, tensor(p + "self_attn.k_proj.weight"), kv);
            const std::vector<float> v = matmul(xb, tensor(p + "self_attn.v_proj.weight"), kv);
            for (int i = 0; i < d; i += 2) {
                const float freq = 1.0f / std::pow(10000.0f, static_cast<float>(i % hs) / static_cast<float>(hs));
                const float angle = static_cast<float>(pos) * freq;
                const float c = std::cos(angle), s = std::sin(angle);
                for (std::vector<float>* vec : {&q, &k}) {
                    if (vec == &k && i >= kv)
                        continue;
                    const float v0 = (*vec)[static_cast<std::size_t>(i)], v1 = (*vec)[static_cast<std::size_t>(i + 1)];
                    (*vec)[static_cast<std::size_t>(i)] = v0 * c - v1 * s;
                    (*vec)[static_cast<std::size_t>(i + 1)] = v0 * s + v1 * c;
                }
            }
            const std::size_t row = (static_cast<std::size_t>(l) * m_h.seqLen + static_cast<std::size_t>(pos)) * kv;
            std::copy(k.begin(), k.end(), m_keys.begin() + static_cast<std::ptrdiff_t>(row));
            std::copy(v.begin(), v.end(), m_values.begin() + static_cast<std::ptrdiff_t>(row));
            xb = attention(q, l, pos);
            const std::vector<float> attended = matmul(xb, tensor(p + "self_attn.o_proj.weight"), d);
            for (int i = 0; i < d; ++i)
                x[static_cast<std::size_t>(i)] += attended[static_cast<std::size_t>(i)];
            xb = rmsnorm(x, tensor(p + "post_attention_layernorm.weight"));
            std::vector<float> gate = matmul(xb, tensor(p + "mlp.gate_proj.weight"), m_h.hiddenDim);
            const std::vector<float> up = matmul(xb, tensor(p + "mlp.up_proj.weight"), m_h.hiddenDim);
            for (std::size_t i = 0; i < gate.size(); ++i)
                gate[i] = gate[i] * (1.0f / (1.0f + std::exp(-gate[i]))) * up[i];
            const std::vector<float> down = matmul(gate, tensor(p + "mlp.down_proj.weight"), d);
            for (int i = 0; i < d; ++i)
                x[static_cast<std::size_t>(i)] += down[static_cast<std::size_t>(i)];
        }
        x = rmsnorm(x, tensor("model.norm.weight"));
        return matmul(x, tensor(m_h.sharedClassifier ? "model.embed_tokens.weight" : "lm_head.weight"), m_h.vocabSize);
    }

private:
    int kvDim() const { return m_h.nKvHeads * m_h.headSize(); }
    std::span<const float> tensor(const std::string& name) const { return m_c.tensor(name).values; }

    static std::vector<float> rmsnorm(const std::vector<float>& x, std::span<const float> weight)
    {
        float ss = 0.0f;
        for (const float v : x)
            ss += v * v;
        ss = 1.0f / std::sqrt(ss / static_cast<float>(x.size()) + 1e-5f);
        std::vector<float> out(x.size());
        for (std::size_t i = 0; i < x.size(); ++i)
            out[i] = weight[i] * (ss * x[i]);
        return out;
    }

    // W (rows, x.size()) @ x
    static std::vector<float> matmul(const std::vector<float>& x, std::span<const float> w, int rows)
    {
        std::vector<float> out(static_cast<std::size_t>(rows));
        for (std::size_t i = 0; i < out.size(); ++i) {
            float sum = 0.0f;
            for (std::size_t j = 0; j < x.size(); ++j)
                sum += w[i * x.size() + j] * x[j];
            out[i] = sum;
        }
        return out;
    }

    std::vector<float> attention(const std::vector<float>& q, int layer, int pos) const
    {
        const int hs = m_h.headSize(), kv = kvDim(), group = m_h.nHeads / m_h.nKvHeads;
        std::vector<float> out(q.size(), 0.0f);
        for (int h = 0; h < m_h.nHeads; ++h) {
            std::vector<float> att(static_cast<std::size_t>(pos + 1));
            const auto cached = [&](const std::vector<float>& cache, int t, int i) {
                return cache[(static_cast<std::size_t>(layer) * m_h.seqLen + static_cast<std::size_t>(t)) * kv
                             + static_cast<std::size_t>((h / group) * hs + i)];
            };
            float max = -INFINITY;
            for (int t = 0; t <= pos; ++t) {
                float score = 0.0f;
                for (int i = 0; i < hs; ++i)
                    score += q[static_cast<std::size_t>(h * hs + i)] * cached(m_keys, t, i);
                att[static_cast<std::size_t>(t)] = score / std::sqrt(static_cast<float>(hs));
                max = std::max(max, att[static_cast<std::size_t>(t)]);
            }
            float sum = 0.0f;
            for (float& a : att)
                sum += (a = std::exp(a - max));
            for (int t = 0; t <= pos; ++t)
                for (int i = 0; i < hs; ++i)
                    out[static_cast<std::size_t>(h * hs + i)] += att[static_cast<std::size_t>(t)] / sum * cached(m_values, t, i);
        }
        return out;
    }

    const Llama2cCheckpoint& m_c;
    const Llama2cHeader& m_h;
    std::vector<float> m_keys, m_values;
};

} // namespace

class TestLlama2cCheckpoint : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string write(const char* name, const std::string& bytes) const
    {
        return kvtest::writeBinary(m_dir.path(), QString::fromUtf8(name), bytes);
    }

    // The problem of the LoadError opening `bytes` as a file raises, checked to name the file.
    QString problemOf(const std::string& bytes)
    {
        const std::string file = write("bad.bin", bytes);
        try {
            Llama2cCheckpoint::open(file);
        } catch (const LoadError& error) {
            if (error.file() != file)
                return "<wrong file: " + QString::fromStdString(error.file()) + ">";
            return QString::fromStdString(error.problem());
        }
        return QStringLiteral("<no error>");
    }

private slots:
    void readsStories260KHeader()
    {
        if (!QFile::exists(kShared260K))
            QSKIP(qPrintable("the reference data is absent: " + kShared260K + " (see ../shared/data/README.md)"));
        const Llama2cCheckpoint checkpoint = Llama2cCheckpoint::open(kShared260K.toStdString());
        const Llama2cHeader& h = checkpoint.header();
        QCOMPARE(h.version, 0);
        QCOMPARE(h.bytes, std::size_t(28));
        QCOMPARE(h.dim, 64);
        QCOMPARE(h.hiddenDim, 172);
        QCOMPARE(h.nLayers, 5);
        QCOMPARE(h.nHeads, 8);
        QCOMPARE(h.nKvHeads, 4);
        QCOMPARE(h.vocabSize, 512);
        QCOMPARE(h.seqLen, 512);
        QVERIFY(h.sharedClassifier);
        QCOMPARE(h.headSize(), 8);
        QCOMPARE(checkpoint.fileBytes(), std::size_t(QFileInfo(kShared260K).size()));
    }

    void readsStories260KTensors()
    {
        if (!QFile::exists(kShared260K))
            QSKIP(qPrintable("the reference data is absent: " + kShared260K + " (see ../shared/data/README.md)"));
        const Llama2cCheckpoint checkpoint = Llama2cCheckpoint::open(kShared260K.toStdString());
        const auto shape = [&](const char* name) { return checkpoint.tensor(name).shape; };
        using Shape2 = std::vector<std::int64_t>;
        QCOMPARE(shape("model.embed_tokens.weight"), (Shape2{512, 64}));
        QCOMPARE(shape("model.layers.0.self_attn.q_proj.weight"), (Shape2{64, 64}));
        QCOMPARE(shape("model.layers.4.self_attn.k_proj.weight"), (Shape2{32, 64}));
        QCOMPARE(shape("model.layers.2.self_attn.v_proj.weight"), (Shape2{32, 64}));
        QCOMPARE(shape("model.layers.1.self_attn.o_proj.weight"), (Shape2{64, 64}));
        QCOMPARE(shape("model.layers.3.mlp.gate_proj.weight"), (Shape2{172, 64}));
        QCOMPARE(shape("model.layers.3.mlp.down_proj.weight"), (Shape2{64, 172}));
        QCOMPARE(shape("model.layers.3.mlp.up_proj.weight"), (Shape2{172, 64}));
        QCOMPARE(shape("model.layers.0.input_layernorm.weight"), (Shape2{64}));
        QCOMPARE(shape("model.norm.weight"), (Shape2{64}));
        QVERIFY(!checkpoint.contains("lm_head.weight"));
        QCOMPARE(checkpoint.names().size(), std::size_t(1 + 9 * 5 + 1));
        QCOMPARE(checkpoint.names().front(), std::string("model.embed_tokens.weight"));
        QCOMPARE(checkpoint.names().back(), std::string("model.norm.weight"));

        // Every byte is accounted for: the header, the tensors, and the two
        // skipped freq_cis tables of seq_len x head_size / 2.
        std::size_t floats = 0;
        for (const std::string& name : checkpoint.names())
            floats += checkpoint.tensor(name).values.size();
        const std::size_t freqCis = 2 * 512 * (8 / 2);
        QCOMPARE(28 + 4 * (floats + freqCis), checkpoint.fileBytes());

        // The views point into the file: the first and last tensor's values
        // equal the bytes read with a plain stream at their offsets.
        std::ifstream in(kShared260K.toStdString(), std::ios::binary);
        std::vector<float> head(4), finalNorm(64);
        in.seekg(28);
        in.read(reinterpret_cast<char*>(head.data()), 16);
        QCOMPARE(toVector(checkpoint.tensor("model.embed_tokens.weight").values.first(4)), head);
        in.seekg(static_cast<std::streamoff>(28 + 4 * (floats - 64)));
        in.read(reinterpret_cast<char*>(finalNorm.data()), 64 * 4);
        QCOMPARE(toVector(checkpoint.tensor("model.norm.weight").values), finalNorm);
        // Consecutive layers of one block are back to back, as llama2.c writes them.
        QCOMPARE(checkpoint.tensor("model.layers.1.self_attn.q_proj.weight").values.data(),
                 checkpoint.tensor("model.layers.0.self_attn.q_proj.weight").values.data() + 64 * 64);
    }

    void greedyFromBosReproducesRunc()
    {
        // run.c's forward over the named views reproduces run.c's greedy ids:
        // every tensor has the role its name says.
        const QString greedyFile = QStringLiteral(KVLAB_SHARED_DATA "/llama2c/stories260K-greedy.json");
        if (!QFile::exists(kShared260K) || !QFile::exists(greedyFile))
            QSKIP(qPrintable("the reference data is absent: " + greedyFile + " (see ../shared/data/README.md)"));
        std::ifstream in(greedyFile.toStdString());
        const std::vector<int> expected = nlohmann::json::parse(in).at("greedy_ids").get<std::vector<int>>();
        QCOMPARE(expected.size(), std::size_t(64));
        const Llama2cCheckpoint checkpoint = Llama2cCheckpoint::open(kShared260K.toStdString());
        RuncForward model(checkpoint);
        std::vector<int> generated;
        int token = 1; // BOS at position 0
        for (int pos = 0; pos < static_cast<int>(expected.size()); ++pos) {
            const std::vector<float> logits = model.forward(token, pos);
            token = static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
            generated.push_back(token);
        }
        QCOMPARE(generated, expected);
    }

    void readsBothVersionsInTheirOrder_data()
    {
        QTest::addColumn<int>("version");
        QTest::addColumn<bool>("shared");
        QTest::newRow("legacy, shared classifier") << 0 << true;
        QTest::newRow("legacy, unshared classifier") << 0 << false;
        QTest::newRow("version 1, shared classifier") << 1 << true;
        QTest::newRow("version 1, unshared classifier") << 1 << false;
    }

    void readsBothVersionsInTheirOrder()
    {
        QFETCH(int, version);
        QFETCH(bool, shared);
        Shape shape = kSmall;
        const auto weights = randomWeights(shape, shared, 3);
        if (version == 0 && !shared)
            shape.vocab = -shape.vocab;
        const std::string file = write("small.bin", version == 0 ? legacyFile(shape, weights) : version1File(shape, weights));
        const Llama2cCheckpoint checkpoint = Llama2cCheckpoint::open(file);
        QCOMPARE(checkpoint.header().version, version);
        QCOMPARE(checkpoint.header().vocabSize, 5);
        QCOMPARE(checkpoint.header().sharedClassifier, shared);
        QCOMPARE(checkpoint.header().bytes, std::size_t(version == 0 ? 28 : 256));
        QCOMPARE(checkpoint.names().size(), weights.size());
        for (const auto& [name, values] : weights)
            QCOMPARE(toVector(checkpoint.tensor(name).values), values);
        QCOMPARE(checkpoint.tensor("model.layers.1.self_attn.k_proj.weight").shape, (std::vector<std::int64_t>{4, 8}));
        QCOMPARE(checkpoint.contains("lm_head.weight"), !shared);
    }

    void missingTensorIsNamed()
    {
        const std::string file = write("small.bin", legacyFile(kSmall, randomWeights(kSmall, true, 1)));
        const Llama2cCheckpoint checkpoint = Llama2cCheckpoint::open(file);
        try {
            checkpoint.tensor("lm_head.weight");
            QFAIL("no error");
        } catch (const LoadError& error) {
            QCOMPARE(error.file(), file);
            QVERIFY(QString(error.what()).contains("\"lm_head.weight\""));
        }
    }

    void rejectsBadFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("problem");
        const auto bytes = [](const std::string& s) { return QByteArray(s.data(), static_cast<qsizetype>(s.size())); };
        const auto with = [](auto change) {
            Shape s = kSmall;
            change(s);
            return s;
        };
        const std::string good = legacyFile(kSmall, randomWeights(kSmall, true, 1));
        QTest::newRow("empty") << QByteArray() << "the file is 0 bytes long, shorter than the 28-byte header";
        QTest::newRow("versioned header cut")
            << bytes(versionedHeader(kSmall, 1, 1).substr(0, 40)) << "40 bytes long, shorter than the 256-byte header";
        QTest::newRow("version 2") << bytes(versionedHeader(kSmall, 2, 1)) << "version 2 (int8-quantized Q8_0 weights) is not supported";
        QTest::newRow("version 7") << bytes(versionedHeader(kSmall, 7, 1)) << "version 7 is unknown";
        QTest::newRow("flag 7") << bytes(versionedHeader(kSmall, 1, 7)) << "the shared-classifier flag is 7";
        QTest::newRow("negative dim") << bytes(legacyHeader(with([](Shape& s) { s.dim = -8; }))) << "dim is -8; it must be positive";
        QTest::newRow("no heads") << bytes(legacyHeader(with([](Shape& s) { s.heads = 0; }))) << "n_heads is 0";
        QTest::newRow("no kv heads") << bytes(legacyHeader(with([](Shape& s) { s.kvHeads = -1; }))) << "n_kv_heads is -1";
        QTest::newRow("no layers") << bytes(legacyHeader(with([](Shape& s) { s.layers = 0; }))) << "n_layers is 0";
        QTest::newRow("no context") << bytes(legacyHeader(with([](Shape& s) { s.seqLen = 0; }))) << "seq_len is 0";
        QTest::newRow("vocab 0") << bytes(legacyHeader(with([](Shape& s) { s.vocab = 0; }))) << "vocab_size is 0";
        QTest::newRow("vocab INT_MIN") << bytes(legacyHeader(with([](Shape& s) { s.vocab = INT_MIN; }))) << "vocab_size is -2147483648";
        QTest::newRow("negative vocab in version 1")
            << bytes(versionedHeader(with([](Shape& s) { s.vocab = -5; }), 1, 1)) << "vocab_size is -5";
        QTest::newRow("heads do not divide dim")
            << bytes(legacyHeader(with([](Shape& s) { s.heads = 3; s.kvHeads = 1; }))) << "3 heads do not divide dim 8";
        QTest::newRow("kv heads do not divide heads")
            << bytes(legacyHeader(with([](Shape& s) { s.heads = 4; s.kvHeads = 3; }))) << "3 KV heads do not divide the 4 query heads";
        QTest::newRow("odd head size")
            << bytes(legacyHeader(with([](Shape& s) { s.dim = 6; s.heads = 2; }))) << "the head size 3 (dim / n_heads) is odd";
        QTest::newRow("truncated")
            << bytes(good.substr(0, good.size() - 4))
            << QString("need %1 bytes (a 28-byte header and %2 float32 values), but the file has %3 bytes: it is shorter "
                       "than its header says")
                   .arg(grouped(good.size()), grouped((good.size() - 28) / 4), grouped(good.size() - 4));
        QTest::newRow("trailing bytes") << bytes(good + "xxxx") << "it is longer than its header says";
        QTest::newRow("huge but countable")
            << bytes(legacyHeader({65536, 65536, 1000, 2, 2, 32000, 256}))
            << "float32 values), but the file has 28 bytes: it is shorter than its header says";
        QTest::newRow("overflowing")
            << bytes(legacyHeader({1 << 30, 1 << 30, 1 << 30, 2, 2, 1 << 30, 1 << 30})) << "need more bytes than any file holds";
    }

    void rejectsBadFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, problem);
        const QString message = problemOf(bytes.toStdString());
        QVERIFY2(message.contains(problem), qPrintable(message));
    }

    void missingFileIsALoadError()
    {
        QVERIFY_THROWS_EXCEPTION(LoadError, Llama2cCheckpoint::open((m_dir.path() + "/absent.bin").toStdString()));
        QVERIFY_THROWS_EXCEPTION(LoadError, Llama2cCheckpoint::open(m_dir.path().toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestLlama2cCheckpoint)
#include "tst_llama2ccheckpoint.moc"
