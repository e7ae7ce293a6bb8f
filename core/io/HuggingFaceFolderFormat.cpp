#include "core/io/HuggingFaceFolderFormat.h"

#include "core/io/FolderFiles.h"
#include "core/io/HuggingFaceConfig.h"
#include "core/io/LoadError.h"
#include "core/io/ModelFolderFormat.h"
#include "core/io/SafetensorsFile.h"
#include "core/tokenizer/TokenizerLoader.h"

#include <filesystem>

namespace kv {

namespace {

namespace fs = std::filesystem;

// GPT-2 checkpoints saved from GPT2LMHeadModel prefix every tensor with
// "transformer."; those saved from GPT2Model do not.
std::string gpt2Prefix(const SafetensorsFile& file)
{
    return file.contains("transformer.wte.weight") ? "transformer." : "";
}

} // namespace

std::string HuggingFaceFolderFormat::name() const
{
    return "Hugging Face model folder";
}

std::string HuggingFaceFolderFormat::expected() const
{
    return "a folder holding config.json with a model_type (gpt2, llama or qwen2), model.safetensors (or "
           "model.safetensors.index.json and its shards) and tokenizer.json, vocab.json + merges.txt or vocab.txt";
}

std::string HuggingFaceFolderFormat::mismatch(const std::string& path) const
{
    std::error_code error;
    if (!fs::is_directory(path, error))
        return "it is not a folder";
    const fs::path folder(path);
    if (!isRegularFile(folder / "config.json"))
        return "it has no config.json";
    if (HuggingFaceConfig::modelType((folder / "config.json").string()).empty())
        return "its config.json names no model_type";
    if (!holdsSafetensors(folder))
        return "it has no model.safetensors";
    return {};
}

ModelBundle HuggingFaceFolderFormat::load(const std::string& path, const LoadOptions& options) const
{
    const fs::path dir(path);
    ModelConfig config = HuggingFaceConfig::fromJsonFile((dir / "config.json").string());
    std::shared_ptr<const Tokenizer> tokenizer = loadTokenizer(path);
    if (tokenizer->size() > config.vocabSize)
        throw LoadError(path, "the tokenizer holds " + std::to_string(tokenizer->size()) + " tokens but config.json "
                                  + "says vocab_size " + std::to_string(config.vocabSize));
    if (tokenizer->eosId() >= 0)
        config.eosToken = tokenizer->token(tokenizer->eosId());
    config.name = dir.filename().string();
    if (config.name.empty())
        config.name = dir.parent_path().filename().string();

    // The file object goes before the model packs its copies; the mapping
    // stays only while views of its F32 tensors hold it.
    ModelWeights weights = [&] {
        const SafetensorsFile file = SafetensorsFile::read(ModelFolderFormat::weightsPath(path));
        const std::string prefix = config.family == ModelFamily::Gpt2 ? gpt2Prefix(file) : "";
        return ModelWeights::fromSafetensors(
            file, config, [&](const WeightEntry& entry) { return prefix + entry.name; }, options.onProgress);
    }();
    auto model = std::make_shared<const Transformer>(std::move(config), std::move(weights));
    return ModelBundle{path, std::move(model), std::move(tokenizer)};
}

} // namespace kv
