#include "core/io/Llama2cBinFormat.h"

#include "core/io/FolderFiles.h"
#include "core/io/Llama2cCheckpoint.h"
#include "core/io/Llama2cFormat.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

namespace kv {

namespace {

namespace fs = std::filesystem;

// The first four bytes of `path` as llama2.c reads them, or nothing when the
// file is shorter than the legacy header.
std::optional<std::uint32_t> leadingWord(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    char head[Llama2cCheckpoint::kLegacyHeaderBytes];
    if (!in.read(head, sizeof(head)))
        return std::nullopt;
    std::uint32_t word = 0;
    std::memcpy(&word, head, sizeof(word));
    return word;
}

} // namespace

std::string Llama2cBinFormat::name() const
{
    return "llama2.c checkpoint";
}

std::string Llama2cBinFormat::expected() const
{
    return "a llama2.c .bin file (legacy version 0, or version 1 starting with \"ak42\")";
}

std::string Llama2cBinFormat::mismatch(const std::string& path) const
{
    if (!isRegularFile(path))
        return "it is not a file";
    const std::optional<std::uint32_t> word = leadingWord(path);
    if (!word)
        return "it is shorter than the 28-byte header";
    if (*word == Llama2cCheckpoint::kMagic)
        return {};
    if (fs::path(path).extension() != ".bin")
        return "it neither starts with \"ak42\" nor is named .bin";
    return {};
}

ModelBundle Llama2cBinFormat::load(const std::string& path, const LoadOptions& options) const
{
    const Llama2cCheckpoint checkpoint = Llama2cCheckpoint::open(path);
    ModelConfig config = Llama2cFormat::configFor(checkpoint.header(), fs::path(path).stem().string(), path);
    std::shared_ptr<const Tokenizer> tokenizer =
        Llama2cFormat::tokenizerFor(path, options.tokenizerPath, config.vocabSize);
    config.eosToken = tokenizer->token(tokenizer->eosId());
    // The embedding (and an unshared classifier) are read where they lie in
    // the mapped file; the (out, in) projections are transposed into copies.
    const auto tensorOf = [&](const WeightEntry& entry) {
        const Llama2cCheckpoint::Tensor& tensor = checkpoint.tensor(entry.name);
        return ModelWeights::StoredTensor{tensor.shape, tensor.values, checkpoint.mappedFile()};
    };
    ModelWeights weights = ModelWeights::fromStored(config, path, tensorOf, options.onProgress);
    auto model = std::make_shared<const Transformer>(std::move(config), std::move(weights));
    return ModelBundle{path, std::move(model), std::move(tokenizer)};
}

} // namespace kv
