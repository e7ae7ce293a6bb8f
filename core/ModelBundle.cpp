#include "ModelBundle.h"

#include "LoadError.h"

#include <filesystem>

namespace kv {

ModelBundle ModelBundle::load(const std::string& directory)
{
    const std::filesystem::path dir(directory);
    if (!std::filesystem::is_directory(dir))
        throw LoadError(directory, "model folder not found");
    const std::string configPath = (dir / "config.json").string();
    const std::string weightsPath = (dir / "model.safetensors").string();
    const std::string vocabPath = (dir / "vocab.txt").string();

    ModelConfig config = ModelConfig::fromJsonFile(configPath);
    auto tokenizer = std::make_shared<const Tokenizer>(Tokenizer::fromFile(vocabPath, config.eosToken));
    if (tokenizer->size() != config.vocabSize)
        throw LoadError(vocabPath, "holds " + std::to_string(tokenizer->size()) + " tokens but " + configPath
                                       + " says vocab_size " + std::to_string(config.vocabSize));
    if (config.name.empty())
        config.name = dir.filename().string();
    ModelWeights weights = ModelWeights::fromSafetensors(SafetensorsFile::read(weightsPath), config);
    auto model = std::make_shared<const Transformer>(std::move(config), std::move(weights));
    return ModelBundle{directory, std::move(model), std::move(tokenizer)};
}

} // namespace kv
