#include "core/tokenizer/TokenizerLoader.h"

#include "core/io/LoadError.h"
#include "core/tokenizer/ByteLevelBpeTokenizer.h"
#include "core/tokenizer/TokenizerJson.h"
#include "core/tokenizer/WordTokenizer.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace kv {

namespace {

// A token named by `key` in a small JSON file: "eos_token": "</s>" or
// "eos_token": {"content": "</s>", ...}. Empty when the file or key is absent.
std::string namedToken(const std::filesystem::path& path, const std::string& key)
{
    std::ifstream in(path);
    if (!in)
        return {};
    const nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded())
        throw LoadError(path.string(), "is not valid JSON");
    if (!json.is_object() || !json.contains(key))
        return {};
    const nlohmann::json& value = json.at(key);
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_object() && value.contains("content") && value.at("content").is_string())
        return value.at("content").get<std::string>();
    if (value.is_null())
        return {};
    throw LoadError(path.string(), key + ": expected a string or an object with \"content\"");
}

} // namespace

std::unique_ptr<Tokenizer> loadTokenizer(const std::string& folder)
{
    const std::filesystem::path dir(folder);
    if (std::filesystem::exists(dir / "tokenizer.json"))
        return TokenizerJson::load((dir / "tokenizer.json").string(), namedToken(dir / "tokenizer_config.json", "eos_token"));
    if (std::filesystem::exists(dir / "vocab.json") && std::filesystem::exists(dir / "merges.txt"))
        return std::make_unique<ByteLevelBpeTokenizer>(
            ByteLevelBpeTokenizer::fromVocabAndMerges((dir / "vocab.json").string(), (dir / "merges.txt").string()));
    if (std::filesystem::exists(dir / "vocab.txt")) {
        std::string eosToken = namedToken(dir / "config.json", "eos_token");
        return std::make_unique<WordTokenizer>(
            WordTokenizer::fromFile((dir / "vocab.txt").string(), eosToken.empty() ? "[EOS]" : eosToken));
    }
    throw LoadError(folder, "no tokenizer here: expected tokenizer.json, vocab.json with merges.txt, or vocab.txt");
}

} // namespace kv
