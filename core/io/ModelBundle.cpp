#include "core/io/ModelBundle.h"

#include "core/io/LoadError.h"
#include "core/tokenizer/WordTokenizer.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <new>

namespace kv {

namespace {

ModelBundle loadFolder(const std::string& directory)
{
    const std::filesystem::path dir(directory);
    std::error_code error;
    if (!std::filesystem::is_directory(dir, error))
        throw LoadError(directory, error && error != std::errc::no_such_file_or_directory
                                       ? "cannot be read: " + error.message()
                                       : "model folder not found");
    const std::string configPath = (dir / "config.json").string();
    const std::string weightsPath = (dir / "model.safetensors").string();
    const std::string vocabPath = (dir / "vocab.txt").string();

    ModelConfig config = ModelConfig::fromJsonFile(configPath);
    auto tokenizer = std::make_shared<const WordTokenizer>(WordTokenizer::fromFile(vocabPath, config.eosToken));
    if (tokenizer->size() != config.vocabSize)
        throw LoadError(vocabPath, "holds " + std::to_string(tokenizer->size()) + " tokens but " + configPath
                                       + " says vocab_size " + std::to_string(config.vocabSize));
    if (config.name.empty())
        config.name = dir.filename().string();
    ModelWeights weights = ModelWeights::fromSafetensors(SafetensorsFile::read(weightsPath), config);
    auto model = std::make_shared<const Transformer>(std::move(config), std::move(weights));
    return ModelBundle{directory, std::move(model), std::move(tokenizer)};
}

} // namespace

ModelBundle ModelBundle::load(const std::string& directory)
{
    // The boundary: whatever a library throws leaves as a LoadError in words.
    try {
        return loadFolder(directory);
    } catch (const KvError&) {
        throw;
    } catch (const nlohmann::json::exception&) {
        throw LoadError(directory, "a file of the model holds a value of the wrong kind");
    } catch (const std::filesystem::filesystem_error& error) {
        throw LoadError(error.path1().empty() ? directory : error.path1().string(),
                        "cannot be read: " + error.code().message());
    } catch (const std::bad_alloc&) {
        throw LoadError(directory, "the model is too large to load into memory");
    }
}

} // namespace kv
