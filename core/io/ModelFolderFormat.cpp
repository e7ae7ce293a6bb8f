#include "core/io/ModelFolderFormat.h"

#include "core/io/FolderFiles.h"
#include "core/io/LoadError.h"
#include "core/io/SafetensorsFile.h"
#include "core/tokenizer/WordTokenizer.h"

#include <filesystem>

namespace kv {

namespace fs = std::filesystem;

std::string ModelFolderFormat::name() const
{
    return "KV Cache Lab model folder";
}

std::string ModelFolderFormat::expected() const
{
    return "a folder holding config.json, model.safetensors (or model.safetensors.index.json and its shards) "
           "and vocab.txt";
}

std::string ModelFolderFormat::mismatch(const std::string& path) const
{
    std::error_code error;
    if (!fs::is_directory(path, error))
        return "it is not a folder";
    const fs::path folder(path);
    std::string missing;
    auto need = [&](bool present, const char* file) {
        if (!present)
            missing += (missing.empty() ? "" : ", ") + std::string(file);
    };
    need(isRegularFile(folder / "config.json"), "config.json");
    need(holdsSafetensors(folder), "model.safetensors");
    need(isRegularFile(folder / "vocab.txt"), "vocab.txt");
    return missing.empty() ? std::string() : "it has no " + missing;
}

std::string ModelFolderFormat::weightsPath(const std::string& folder)
{
    const fs::path single = fs::path(folder) / "model.safetensors";
    return (isRegularFile(single) ? single : fs::path(folder) / "model.safetensors.index.json").string();
}

ModelBundle ModelFolderFormat::load(const std::string& path, const LoadOptions& options) const
{
    const fs::path dir(path);
    const std::string configPath = (dir / "config.json").string();
    const std::string vocabPath = (dir / "vocab.txt").string();

    ModelConfig config = ModelConfig::fromJsonFile(configPath);
    auto tokenizer = std::make_shared<const WordTokenizer>(WordTokenizer::fromFile(vocabPath, config.eosToken));
    if (tokenizer->size() != config.vocabSize)
        throw LoadError(vocabPath, "holds " + std::to_string(tokenizer->size()) + " tokens but " + configPath
                                       + " says vocab_size " + std::to_string(config.vocabSize));
    if (config.name.empty())
        config.name = dir.filename().string();
    ModelWeights weights = ModelWeights::fromSafetensors(
        SafetensorsFile::read(weightsPath(path)), config, [](const WeightEntry& entry) { return entry.name; },
        options.onProgress);
    auto model = std::make_shared<const Transformer>(std::move(config), std::move(weights));
    return ModelBundle{path, std::move(model), std::move(tokenizer)};
}

} // namespace kv
