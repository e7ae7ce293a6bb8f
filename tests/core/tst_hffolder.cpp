#include "core/decode/DecodeSession.h"
#include "core/io/CheckpointFormats.h"
#include "core/io/HuggingFaceConfig.h"
#include "core/io/HuggingFaceFolderFormat.h"
#include "core/io/LoadError.h"
#include "core/io/SafetensorsFile.h"
#include "tests/support/RawSafetensors.h"
#include "tests/support/TestModels.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

using namespace kv;

namespace {

namespace fs = std::filesystem;
using Tensors = std::map<std::string, SafetensorsFile::FloatTensor>;

enum class Dtype { F32, F16, BF16 };

// float32 -> bfloat16 bits, rounded to nearest even (as torch's .to(bfloat16)).
std::uint16_t toBf16(float value)
{
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
    return static_cast<std::uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

std::uint16_t toF16(float value)
{
    return std::bit_cast<std::uint16_t>(static_cast<_Float16>(value));
}

// The value a tensor holds once stored in `dtype` and widened back.
float rounded(float value, Dtype dtype)
{
    switch (dtype) {
    case Dtype::F32:
        return value;
    case Dtype::F16:
        return static_cast<float>(static_cast<_Float16>(value));
    case Dtype::BF16:
        return std::bit_cast<float>(std::uint32_t(toBf16(value)) << 16);
    }
    return value;
}

Tensors roundedTensors(Tensors tensors, Dtype dtype)
{
    for (auto& [name, tensor] : tensors)
        for (float& value : tensor.second)
            value = rounded(value, dtype);
    return tensors;
}

// A safetensors file in `dtype` (plus raw extra tensors, e.g. GPT-2's BOOL
// attn.bias buffers), written the way safetensors.torch.save_file lays it out.
using kvtest::RawTensor;

void writeSafetensors(const fs::path& path, const Tensors& tensors, Dtype dtype,
                      const std::map<std::string, RawTensor>& extra = {})
{
    std::map<std::string, RawTensor> all = extra;
    for (const auto& [name, tensor] : tensors) {
        RawTensor raw{dtype == Dtype::F32 ? "F32" : dtype == Dtype::F16 ? "F16" : "BF16", tensor.first, {}};
        for (float value : tensor.second) {
            if (dtype == Dtype::F32) {
                raw.bytes.append(reinterpret_cast<const char*>(&value), 4);
            } else {
                const std::uint16_t half = dtype == Dtype::F16 ? toF16(value) : toBf16(value);
                raw.bytes.append(reinterpret_cast<const char*>(&half), 2);
            }
        }
        all[name] = raw;
    }
    kvtest::writeRawSafetensors(path.string(), all);
}

void writeJson(const fs::path& path, const nlohmann::json& json)
{
    std::ofstream(path) << json.dump(2);
}

// The shipped model's tensors under its checkpoint names (GPT-2: wte.weight,
// h.N.*; Llama: Hugging Face's model.* names), stored shapes.
Tensors shippedTensors(const QString& name)
{
    const ModelBundle& bundle = kvtest::shippedModel(name);
    return bundle.model->weights().toTensors(bundle.config());
}

void copyVocab(const QString& model, const fs::path& dir)
{
    fs::copy_file(kvtest::shippedModelDir(model).toStdString() + "/vocab.txt", dir / "vocab.txt");
}

nlohmann::json gpt2Config(const ModelConfig& c)
{
    return {{"model_type", "gpt2"}, {"architectures", {"GPT2LMHeadModel"}}, {"n_embd", c.nEmbd},
            {"n_layer", c.nLayer}, {"n_head", c.nHead}, {"n_positions", c.nPositions}, {"n_ctx", c.nPositions},
            {"vocab_size", c.vocabSize}, {"layer_norm_epsilon", c.normEps}, {"activation_function", "gelu_new"},
            {"n_inner", nullptr}, {"bos_token_id", c.vocabSize - 1}, {"eos_token_id", c.vocabSize - 1}};
}

nlohmann::json llamaConfig(const ModelConfig& c, const std::string& modelType)
{
    return {{"model_type", modelType}, {"architectures", {"LlamaForCausalLM"}}, {"hidden_size", c.nEmbd},
            {"intermediate_size", c.mlpWidth()}, {"num_hidden_layers", c.nLayer},
            {"num_attention_heads", c.nHead}, {"num_key_value_heads", c.nKvHead},
            {"max_position_embeddings", c.nPositions}, {"vocab_size", c.vocabSize}, {"rms_norm_eps", c.normEps},
            {"rope_theta", c.ropeTheta}, {"rope_scaling", nullptr}, {"tie_word_embeddings", c.tiedClassifier},
            {"hidden_act", "silu"}, {"torch_dtype", "float32"}};
}

// GPT-2 tensors under HF's names: the "transformer." prefix (GPT2LMHeadModel)
// or none (GPT2Model).
Tensors gpt2HfTensors(const Tensors& tensors, bool prefixed)
{
    Tensors renamed;
    for (const auto& [name, tensor] : tensors)
        renamed[(prefixed ? "transformer." : "") + name] = tensor;
    return renamed;
}

// The causal-mask buffers old GPT-2 checkpoints carry: attn.bias (a lower
// triangle of ones, BOOL) and attn.masked_bias (a scalar -1e4).
std::map<std::string, RawTensor> gpt2Buffers(const ModelConfig& c, const std::string& prefix)
{
    std::map<std::string, RawTensor> buffers;
    for (int layer = 0; layer < c.nLayer; ++layer) {
        const std::string p = prefix + "h." + std::to_string(layer) + ".attn.";
        std::string mask;
        for (int i = 0; i < c.nPositions; ++i)
            for (int j = 0; j < c.nPositions; ++j)
                mask += char(j <= i ? 1 : 0);
        buffers[p + "bias"] = {"BOOL", {1, 1, c.nPositions, c.nPositions}, mask};
        const float masked = -1e4f;
        buffers[p + "masked_bias"] = {"F32", {}, std::string(reinterpret_cast<const char*>(&masked), 4)};
    }
    return buffers;
}

// What HF's convert_llama_weights_to_hf.py does to q_proj and k_proj: within
// each head, rows (2i, 2i+1) of Meta's interleaved pairs move to rows
// (i, i + head_dim/2) of the half-split layout.
std::vector<float> permuteRows(const std::vector<float>& rows, int heads, int headDim, int columns)
{
    std::vector<float> permuted(rows.size());
    for (int h = 0; h < heads; ++h)
        for (int i = 0; i < headDim / 2; ++i)
            for (int j = 0; j < 2; ++j) {
                const std::size_t from = std::size_t(h * headDim + 2 * i + j) * columns;
                const std::size_t to = std::size_t(h * headDim + j * headDim / 2 + i) * columns;
                std::copy_n(rows.begin() + std::ptrdiff_t(from), columns, permuted.begin() + std::ptrdiff_t(to));
            }
    return permuted;
}

Tensors llamaHfTensors(const Tensors& tensors, const ModelConfig& c)
{
    Tensors hf = tensors;
    for (int layer = 0; layer < c.nLayer; ++layer) {
        const std::string p = "model.layers." + std::to_string(layer) + ".self_attn.";
        hf[p + "q_proj.weight"].second = permuteRows(hf[p + "q_proj.weight"].second, c.nHead, c.headDim(), c.nEmbd);
        hf[p + "k_proj.weight"].second = permuteRows(hf[p + "k_proj.weight"].second, c.nKvHead, c.headDim(), c.nEmbd);
    }
    return hf;
}

void addQkvBiases(Tensors& tensors, const ModelConfig& c, float scale)
{
    std::mt19937 generator(5);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (int layer = 0; layer < c.nLayer; ++layer) {
        const std::string p = "model.layers." + std::to_string(layer) + ".self_attn.";
        const std::pair<const char*, int> projections[] = {{"q_proj", c.qDim()}, {"k_proj", c.kvDim()}, {"v_proj", c.kvDim()}};
        for (const auto& [name, width] : projections) {
            std::vector<float> bias(std::size_t(width), 0.0f);
            for (float& value : bias)
                value = scale * normal(generator);
            tensors[p + name + ".bias"] = {{std::int64_t{width}}, bias};
        }
    }
}

// Largest |logit difference| over every prefix of `tokens` (each prefix one
// uncached pass), between two models of the same vocabulary.
float maxLogitDiff(const Transformer& a, const Transformer& b, const std::vector<int>& tokens)
{
    DecodeSession first(a, DecodeMode::Uncached);
    DecodeSession second(b, DecodeMode::Uncached);
    float worst = (first.start({tokens[0]}).logits - second.start({tokens[0]}).logits).cwiseAbs().maxCoeff();
    for (std::size_t t = 1; t < tokens.size(); ++t)
        worst = std::max(worst, (first.next(tokens[t]).logits - second.next(tokens[t]).logits).cwiseAbs().maxCoeff());
    return worst;
}

// Largest |logit difference| between the cached and uncached paths of one model.
float decodePathsDiff(const Transformer& model, const std::vector<int>& tokens)
{
    DecodeSession uncached(model, DecodeMode::Uncached);
    DecodeSession cached(model, DecodeMode::Cached);
    float worst = (uncached.start({tokens[0]}).logits - cached.start({tokens[0]}).logits).cwiseAbs().maxCoeff();
    for (std::size_t t = 1; t < tokens.size(); ++t)
        worst = std::max(worst, (uncached.next(tokens[t]).logits - cached.next(tokens[t]).logits).cwiseAbs().maxCoeff());
    return worst;
}

QString loadErrorOf(const fs::path& dir)
{
    try {
        CheckpointFormats::load(dir.string());
    } catch (const LoadError& error) {
        return QString::fromStdString(error.what());
    }
    return {};
}

} // namespace

class TestHfFolder : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

    fs::path folder(const char* name) const
    {
        const fs::path dir = fs::path(m_tmp.path().toStdString()) / name;
        fs::create_directories(dir);
        return dir;
    }

    // A GPT-2 folder of tiny-mha in HF form, its tensors rounded to `dtype`.
    fs::path tinyMhaFolder(const char* name, bool prefixed, Dtype dtype)
    {
        const ModelConfig& c = kvtest::shippedModel("tiny-mha").config();
        const fs::path dir = folder(name);
        writeJson(dir / "config.json", gpt2Config(c));
        writeSafetensors(dir / "model.safetensors", gpt2HfTensors(shippedTensors("tiny-mha"), prefixed), dtype,
                         gpt2Buffers(c, prefixed ? "transformer." : ""));
        copyVocab("tiny-mha", dir);
        return dir;
    }

    fs::path tinyLlamaFolder(const char* name, const std::string& modelType, const Tensors& tensors)
    {
        const ModelConfig& c = kvtest::shippedModel("tiny-llama").config();
        const fs::path dir = folder(name);
        writeJson(dir / "config.json", llamaConfig(c, modelType));
        writeSafetensors(dir / "model.safetensors", tensors, Dtype::F32);
        copyVocab("tiny-llama", dir);
        return dir;
    }

    static std::vector<int> tokensFor(const ModelConfig& c) { return kvtest::randomTokens(c.nPositions, c.vocabSize, 3); }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    // GPT-2 with and without "transformer.", the attn.bias / masked_bias
    // buffers present: the folder is found as a Hugging Face folder and gives
    // the shipped model's logits exactly.
    void gpt2FolderGivesTheShippedLogits_data()
    {
        QTest::addColumn<bool>("prefixed");
        QTest::newRow("transformer. prefix") << true;
        QTest::newRow("no prefix") << false;
    }
    void gpt2FolderGivesTheShippedLogits()
    {
        QFETCH(bool, prefixed);
        const fs::path dir = tinyMhaFolder(prefixed ? "gpt2-prefixed" : "gpt2-bare", prefixed, Dtype::F32);
        QCOMPARE(QString::fromStdString(CheckpointFormats::find(dir.string()).name()), QString("Hugging Face model folder"));
        const ModelBundle hf = CheckpointFormats::load(dir.string());
        const ModelBundle& shipped = kvtest::shippedModel("tiny-mha");
        QCOMPARE(hf.config().family, ModelFamily::Gpt2);
        QCOMPARE(hf.config().nLayer, shipped.config().nLayer);
        QCOMPARE(hf.config().nPositions, shipped.config().nPositions);
        QCOMPARE(hf.config().eosToken, std::string("[EOS]"));
        const float diff = maxLogitDiff(*hf.model, *shipped.model, tokensFor(shipped.config()));
        qInfo("tiny-mha as HF GPT-2 (%s): max |dlogit| %g", prefixed ? "prefixed" : "bare", double(diff));
        QVERIFY2(diff <= 1e-5f, qPrintable(QString::number(diff)));
    }

    // F16 and BF16 copies: the folder's logits equal those of the shipped
    // model's weights rounded to that dtype and widened back (an F32 folder
    // of the rounded values); how far rounding moves them from the shipped
    // logits is reported, and must be a real change for BF16.
    void halfPrecisionFoldersWidenExactly_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::newRow("F16") << int(Dtype::F16);
        QTest::newRow("BF16") << int(Dtype::BF16);
    }
    void halfPrecisionFoldersWidenExactly()
    {
        QFETCH(int, dtype);
        const Dtype half = Dtype(dtype);
        const char* label = half == Dtype::F16 ? "F16" : "BF16";
        const ModelConfig& c = kvtest::shippedModel("tiny-mha").config();
        const fs::path dir = tinyMhaFolder(half == Dtype::F16 ? "gpt2-f16" : "gpt2-bf16", true, half);
        const fs::path widened = folder(half == Dtype::F16 ? "gpt2-f16-widened" : "gpt2-bf16-widened");
        writeJson(widened / "config.json", gpt2Config(c));
        writeSafetensors(widened / "model.safetensors",
                         gpt2HfTensors(roundedTensors(shippedTensors("tiny-mha"), half), true), Dtype::F32);
        copyVocab("tiny-mha", widened);

        const ModelBundle hf = CheckpointFormats::load(dir.string());
        const ModelBundle expected = CheckpointFormats::load(widened.string());
        const std::vector<int> tokens = tokensFor(c);
        const float diff = maxLogitDiff(*hf.model, *expected.model, tokens);
        const float rounding = maxLogitDiff(*hf.model, *kvtest::shippedModel("tiny-mha").model, tokens);
        qInfo("tiny-mha in %s: max |dlogit| vs the widened weights %g; vs the shipped F32 model %g", label,
              double(diff), double(rounding));
        QVERIFY2(diff <= 1e-5f, qPrintable(QString::number(diff)));
        QVERIFY2(rounding > 0.0f, "the rounding should change the logits at all");
    }

    // model.safetensors.index.json with two shards: the same logits.
    void shardedGpt2FolderGivesTheShippedLogits()
    {
        const ModelConfig& c = kvtest::shippedModel("tiny-mha").config();
        const fs::path dir = folder("gpt2-sharded");
        writeJson(dir / "config.json", gpt2Config(c));
        const Tensors all = gpt2HfTensors(shippedTensors("tiny-mha"), true);
        Tensors shards[2];
        nlohmann::json weightMap = nlohmann::json::object();
        for (const auto& [name, tensor] : all) {
            const int shard = name.find(".h.1.") != std::string::npos || name.find("ln_f") != std::string::npos ? 1 : 0;
            shards[shard][name] = tensor;
            weightMap[name] = "model-0000" + std::to_string(shard + 1) + "-of-00002.safetensors";
        }
        QVERIFY(!shards[0].empty() && !shards[1].empty());
        writeSafetensors(dir / "model-00001-of-00002.safetensors", shards[0], Dtype::F32);
        writeSafetensors(dir / "model-00002-of-00002.safetensors", shards[1], Dtype::F32);
        writeJson(dir / "model.safetensors.index.json", {{"metadata", {{"total_size", 0}}}, {"weight_map", weightMap}});
        copyVocab("tiny-mha", dir);

        const ModelBundle hf = CheckpointFormats::load(dir.string());
        const float diff = maxLogitDiff(*hf.model, *kvtest::shippedModel("tiny-mha").model, tokensFor(c));
        qInfo("tiny-mha as a 2-shard HF folder: max |dlogit| %g", double(diff));
        QVERIFY2(diff <= 1e-5f, qPrintable(QString::number(diff)));
    }

    // tiny-llama (interleaved RoPE) with q_proj / k_proj permuted the way
    // convert_llama_weights_to_hf.py does: read with HF's half-split layout,
    // it gives the shipped logits. Unpermuted, it does not.
    void llamaFolderWithPermutedRowsGivesTheShippedLogits()
    {
        const ModelBundle& shipped = kvtest::shippedModel("tiny-llama");
        const ModelConfig& c = shipped.config();
        QCOMPARE(c.ropeLayout, RopeLayout::Interleaved);
        const fs::path dir = tinyLlamaFolder("llama", "llama", llamaHfTensors(shippedTensors("tiny-llama"), c));
        const ModelBundle hf = CheckpointFormats::load(dir.string());
        QCOMPARE(hf.config().family, ModelFamily::Llama);
        QCOMPARE(hf.config().ropeLayout, RopeLayout::HalfSplit);
        QCOMPARE(hf.config().nKvHead, c.nKvHead);
        QCOMPARE(hf.config().attentionBias, false);
        const std::vector<int> tokens = tokensFor(c);
        const float diff = maxLogitDiff(*hf.model, *shipped.model, tokens);
        qInfo("tiny-llama as an HF Llama folder (rows permuted): max |dlogit| %g", double(diff));
        QVERIFY2(diff <= 1e-5f, qPrintable(QString::number(diff)));

        const fs::path unpermuted = tinyLlamaFolder("llama-unpermuted", "llama", shippedTensors("tiny-llama"));
        const float wrong = maxLogitDiff(*CheckpointFormats::load(unpermuted.string()).model, *shipped.model, tokens);
        qInfo("the same rows unpermuted, read half-split: max |dlogit| %g", double(wrong));
        QVERIFY2(wrong > 1e-2f, qPrintable(QString::number(wrong)));
    }

    // Qwen2: q/k/v biases read (no o bias). Zero biases keep the shipped
    // logits; non-zero ones change them, and both decode paths still agree.
    void qwen2FolderReadsTheQkvBiases()
    {
        const ModelBundle& shipped = kvtest::shippedModel("tiny-llama");
        const ModelConfig& c = shipped.config();
        const std::vector<int> tokens = tokensFor(c);
        Tensors zero = llamaHfTensors(shippedTensors("tiny-llama"), c);
        addQkvBiases(zero, c, 0.0f);
        const ModelBundle zeroBiases = CheckpointFormats::load(tinyLlamaFolder("qwen2-zero", "qwen2", zero).string());
        QCOMPARE(zeroBiases.config().attentionBias, true);
        const float same = maxLogitDiff(*zeroBiases.model, *shipped.model, tokens);
        qInfo("qwen2 with zero q/k/v biases: max |dlogit| vs shipped %g", double(same));
        QVERIFY2(same <= 1e-5f, qPrintable(QString::number(same)));

        Tensors biased = llamaHfTensors(shippedTensors("tiny-llama"), c);
        addQkvBiases(biased, c, 0.5f);
        const ModelBundle withBiases = CheckpointFormats::load(tinyLlamaFolder("qwen2-biased", "qwen2", biased).string());
        const float differ = maxLogitDiff(*withBiases.model, *shipped.model, tokens);
        const float paths = decodePathsDiff(*withBiases.model, tokens);
        qInfo("qwen2 with N(0, 0.5) q/k/v biases: max |dlogit| vs shipped %g; cached vs uncached %g", double(differ),
              double(paths));
        QVERIFY2(differ > 1e-2f, qPrintable(QString::number(differ)));
        QVERIFY2(paths <= 1e-5f, qPrintable(QString::number(paths)));

        Tensors missing = zero;
        missing.erase("model.layers.0.self_attn.k_proj.bias");
        const QString error = loadErrorOf(tinyLlamaFolder("qwen2-missing-bias", "qwen2", missing));
        QVERIFY2(error.contains("model.layers.0.self_attn.k_proj.bias"), qPrintable(error));
    }

    // GPT-2's tokenizer files in a folder: loadTokenizer reads vocab.json +
    // merges.txt, the eos is <|endoftext|>, and the encodings equal the
    // shared reference. The weights are random (vocab 50257, a tiny body).
    void gpt2TokenizerComesWithTheFolder()
    {
        const fs::path shared = KVLAB_SHARED_DATA "/gpt2";
        if (!fs::exists(shared / "vocab.json"))
            QSKIP("../shared/data/gpt2 (GPT-2's vocab.json, merges.txt and reference encodings) is absent");
        ModelConfig c = ModelConfig::gpt2("random", 1, 8, 2, 2, 16, 50257);
        const fs::path dir = folder("gpt2-tokenizer");
        writeJson(dir / "config.json", gpt2Config(c));
        writeSafetensors(dir / "model.safetensors", gpt2HfTensors(ModelWeights::random(c, 1).toTensors(c), true),
                         Dtype::F32);
        fs::copy_file(shared / "vocab.json", dir / "vocab.json");
        fs::copy_file(shared / "merges.txt", dir / "merges.txt");
        const ModelBundle hf = CheckpointFormats::load(dir.string());
        QCOMPARE(hf.tokenizer->size(), 50257);
        QCOMPARE(hf.config().eosToken, std::string("<|endoftext|>"));
        QCOMPARE(hf.tokenizer->eosId(), 50256);
        std::ifstream in(shared / "encodings.json");
        const nlohmann::json encodings = nlohmann::json::parse(in);
        int checked = 0;
        for (const auto& item : encodings.at("cases")) {
            QCOMPARE(hf.tokenizer->encode(item.at("text").get<std::string>()), item.at("ids").get<std::vector<int>>());
            ++checked;
        }
        QVERIFY(checked >= 8);
    }

    void unknownModelTypeIsNamed()
    {
        const fs::path dir = tinyMhaFolder("bert", true, Dtype::F32);
        nlohmann::json config = gpt2Config(kvtest::shippedModel("tiny-mha").config());
        config["model_type"] = "bert";
        writeJson(dir / "config.json", config);
        const QString error = loadErrorOf(dir);
        QVERIFY2(error.contains("\"bert\"") && error.contains("gpt2, llama, qwen2"), qPrintable(error));
    }

    void otherActivationIsNamed()
    {
        const fs::path dir = tinyMhaFolder("relu", true, Dtype::F32);
        nlohmann::json config = gpt2Config(kvtest::shippedModel("tiny-mha").config());
        config["activation_function"] = "relu";
        writeJson(dir / "config.json", config);
        const QString error = loadErrorOf(dir);
        QVERIFY2(error.contains("activation_function \"relu\"") && error.contains("gelu_new"), qPrintable(error));
    }

    void ropeScalingIsRefused()
    {
        const ModelConfig& c = kvtest::shippedModel("tiny-llama").config();
        const fs::path dir = tinyLlamaFolder("rope-scaling", "llama", llamaHfTensors(shippedTensors("tiny-llama"), c));
        nlohmann::json config = llamaConfig(c, "llama");
        config["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};
        writeJson(dir / "config.json", config);
        const QString error = loadErrorOf(dir);
        QVERIFY2(error.contains("rope_scaling") && error.contains("linear") && error.contains("config.json"),
                 qPrintable(error));
    }

    void missingTensorIsNamedByItsHfName()
    {
        const ModelConfig& c = kvtest::shippedModel("tiny-mha").config();
        const fs::path dir = folder("gpt2-missing");
        writeJson(dir / "config.json", gpt2Config(c));
        Tensors tensors = gpt2HfTensors(shippedTensors("tiny-mha"), true);
        tensors.erase("transformer.h.1.mlp.c_fc.weight");
        writeSafetensors(dir / "model.safetensors", tensors, Dtype::F32);
        copyVocab("tiny-mha", dir);
        const QString error = loadErrorOf(dir);
        QVERIFY2(error.contains("transformer.h.1.mlp.c_fc.weight"), qPrintable(error));
    }

    void wrongShapeNamesExpectedAndFound()
    {
        const ModelConfig& c = kvtest::shippedModel("tiny-llama").config();
        Tensors tensors = llamaHfTensors(shippedTensors("tiny-llama"), c);
        auto& q = tensors["model.layers.1.self_attn.q_proj.weight"];
        q.first = {c.qDim() / 2, 2 * c.nEmbd}; // same element count, wrong shape
        const QString error = loadErrorOf(tinyLlamaFolder("llama-wrong-shape", "llama", tensors));
        const QString expected = QString("[%1, %2]").arg(c.qDim()).arg(c.nEmbd);
        const QString found = QString("[%1, %2]").arg(c.qDim() / 2).arg(2 * c.nEmbd);
        QVERIFY2(error.contains("model.layers.1.self_attn.q_proj.weight") && error.contains("expected " + expected)
                     && error.contains(found),
                 qPrintable(error));
    }

    // The sniff: a project folder (no model_type) is not claimed; a folder
    // without weights is not either.
    void mismatchIsCheap()
    {
        const HuggingFaceFolderFormat format;
        QVERIFY(!format.mismatch(kvtest::shippedModelDir("tiny-mha").toStdString()).empty());
        const fs::path dir = folder("no-weights");
        writeJson(dir / "config.json", {{"model_type", "gpt2"}});
        QCOMPARE(QString::fromStdString(format.mismatch(dir.string())), QString("it has no model.safetensors"));
        QVERIFY(format.mismatch(tinyMhaFolder("sniffed", true, Dtype::F32).string()).empty());
    }
};

QTEST_GUILESS_MAIN(TestHfFolder)
#include "tst_hffolder.moc"
