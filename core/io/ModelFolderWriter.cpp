#include "core/io/ModelFolderWriter.h"

#include "core/io/LoadError.h"
#include "core/tokenizer/WordTokenizer.h"
#include "core/io/SafetensorsFile.h"
#include "core/tokenizer/Tokenizer.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kv {

namespace {

namespace fs = std::filesystem;

// The float as the shortest decimal that reads back to it (1e-05, not 9.99999974737875e-06).
double shortestDecimal(float value)
{
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    return std::stod(std::string(text, end));
}

std::string decimalText(float value)
{
    char text[32];
    return std::string(text, std::to_chars(text, text + sizeof text, value).ptr);
}

void createFolder(const fs::path& dir)
{
    std::error_code error;
    fs::create_directories(dir, error);
    if (error || !fs::is_directory(dir))
        throw LoadError(dir.string(), "cannot create the model folder" + (error ? ": " + error.message() : std::string()));
}

void checkWeightsMatch(const ModelConfig& config, const ModelWeights& weights, const std::string& source)
{
    const auto require = [&](bool ok, const std::string& tensor, long long rows, long long cols) {
        if (!ok)
            throw LoadError(source, tensor + " is " + std::to_string(rows) + " x " + std::to_string(cols)
                                        + ", which does not match the config");
    };
    require(weights.tokenEmbedding.rows() == config.vocabSize && weights.tokenEmbedding.cols() == config.nEmbd,
            "wte.weight", weights.tokenEmbedding.rows(), weights.tokenEmbedding.cols());
    if (config.position == PositionKind::Learned)
        require(weights.positionEmbedding.rows() == config.nPositions && weights.positionEmbedding.cols() == config.nEmbd,
                "wpe.weight", weights.positionEmbedding.rows(), weights.positionEmbedding.cols());
    if (weights.layers.size() != static_cast<std::size_t>(config.nLayer))
        throw LoadError(source, "the weights hold " + std::to_string(weights.layers.size()) + " layers but n_layer is "
                                    + std::to_string(config.nLayer));
}

void writeConfig(const fs::path& path, const ModelConfig& config, const std::string& description)
{
    nlohmann::ordered_json json;
    json["family"] = familyName(config.family);
    json["n_layer"] = config.nLayer;
    json["n_embd"] = config.nEmbd;
    json["n_head"] = config.nHead;
    json["n_kv_head"] = config.nKvHead;
    json["n_positions"] = config.nPositions;
    json["vocab_size"] = config.vocabSize;
    json["layer_norm_epsilon"] = shortestDecimal(config.normEps);
    json["activation"] = "gelu_tanh";
    json["eos_token"] = config.eosToken;
    json["name"] = config.name;
    json["description"] = description;
    std::ofstream out(path, std::ios::binary);
    out << json.dump(2) << '\n';
    if (!out)
        throw LoadError(path.string(), "cannot write file");
}

void copyVocabulary(const std::string& from, const fs::path& to)
{
    if (fs::exists(to) && fs::equivalent(from, to))
        return;
    std::error_code error;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, error);
    if (error)
        throw LoadError(to.string(), "cannot copy the vocabulary from " + from + ": " + error.message());
}

std::string randomDescription(const ModelConfig& config, std::uint64_t seed, float scale)
{
    std::ostringstream text;
    text << "Untrained GPT-2-shaped model with random weights (seed " << seed << ", standard deviation "
         << decimalText(scale) << "): " << config.nLayer << " layers, " << config.nEmbd << "-dim embeddings, "
         << config.nHead << " query heads, " << config.nKvHead << " KV heads, context " << config.nPositions
         << ". Its text is noise; it shows the cache at scale.";
    return text.str();
}

} // namespace

float ModelFolderWriter::defaultScale(int nEmbd)
{
    return std::sqrt(kScoreSpread / static_cast<float>(nEmbd));
}

int ModelFolderWriter::vocabularySize(const std::string& vocabularyPath, const std::string& eosToken)
{
    return WordTokenizer::fromFile(vocabularyPath, eosToken).size();
}

void ModelFolderWriter::write(const std::string& directory, const ModelConfig& config, const ModelWeights& weights,
                              const std::string& vocabularyPath, const std::string& description)
{
    const fs::path dir(directory);
    const fs::path configPath = dir / "config.json";
    config.validate(configPath.string());
    checkWeightsMatch(config, weights, (dir / "model.safetensors").string());
    const int words = vocabularySize(vocabularyPath, config.eosToken);
    if (words != config.vocabSize)
        throw LoadError(vocabularyPath, "holds " + std::to_string(words) + " tokens but vocab_size is "
                                            + std::to_string(config.vocabSize));
    createFolder(dir);
    copyVocabulary(vocabularyPath, dir / "vocab.txt");
    SafetensorsFile::write((dir / "model.safetensors").string(), weights.toTensors(config));
    writeConfig(configPath, config, description);
}

ModelConfig ModelFolderWriter::writeRandom(const std::string& directory, ModelConfig shape,
                                           const std::string& vocabularyPath, std::uint64_t seed, float scale)
{
    if (!(scale > 0.0f) || !std::isfinite(scale))
        throw LoadError(directory, "the weight scale must be a positive number, got " + decimalText(scale));
    shape.vocabSize = vocabularySize(vocabularyPath, shape.eosToken);
    if (shape.name.empty())
        shape.name = fs::path(directory).lexically_normal().filename().string();
    if (shape.name.empty())
        shape.name = fs::path(directory).lexically_normal().parent_path().filename().string();
    shape.validate((fs::path(directory) / "config.json").string());
    const ModelWeights weights = ModelWeights::random(shape, seed, scale);
    write(directory, shape, weights, vocabularyPath, randomDescription(shape, seed, scale));
    return shape;
}

} // namespace kv
