#include "core/tokenizer/TokenizerJson.h"

#include "core/io/LoadError.h"
#include "core/tokenizer/ByteLevelBpeTokenizer.h"
#include "core/tokenizer/SentencePieceBpeTokenizer.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace kv {

namespace {

using Json = nlohmann::json;

// Reads one tokenizer.json's parts; every error names the file and the key.
class Reader {
public:
    explicit Reader(std::string file) : m_file(std::move(file)) {}

    LoadError error(const std::string& key, const std::string& problem) const { return LoadError(m_file, key + ": " + problem); }

    const Json& member(const Json& object, const std::string& name, const std::string& key) const
    {
        if (!object.contains(name))
            throw LoadError(m_file, key + " is missing");
        return object.at(name);
    }
    std::string string(const Json& value, const std::string& key) const
    {
        if (!value.is_string())
            throw error(key, "expected a string, found " + std::string(value.type_name()));
        return value.get<std::string>();
    }
    bool boolean(const Json& object, const std::string& name, const std::string& key, bool fallback) const
    {
        if (!object.contains(name) || object.at(name).is_null())
            return fallback;
        if (!object.at(name).is_boolean())
            throw error(key + "." + name, "expected true or false");
        return object.at(name).get<bool>();
    }
    long long integer(const Json& value, const std::string& key) const
    {
        if (!value.is_number_integer())
            throw error(key, "expected an integer, found " + std::string(value.type_name()));
        return value.get<long long>();
    }
    int id(const Json& value, const std::string& key) const
    {
        const long long number = integer(value, key);
        if (number < 0 || number > 0x3fffffff)
            throw error(key, "id " + std::to_string(number) + " is out of range");
        return static_cast<int>(number);
    }
    std::string type(const Json& object, const std::string& key) const
    {
        if (!object.is_object())
            throw error(key, "expected an object, found " + std::string(object.type_name()));
        return string(member(object, "type", key + ".type"), key + ".type");
    }
    const Json& array(const Json& object, const std::string& name, const std::string& key) const
    {
        const std::string path = key.empty() ? name : key + "." + name;
        const Json& value = member(object, name, path);
        if (!value.is_array())
            throw error(path, "expected an array, found " + std::string(value.type_name()));
        return value;
    }
    LoadError unsupported(const std::string& key, const std::string& what, const std::string& name) const
    {
        return error(key, what + " \"" + name + "\" is not supported");
    }

    std::vector<std::pair<std::string, long long>> vocabulary(const Json& model) const;
    std::vector<BpeModel::Merge> merges(const Json& model) const;
    void addedTokens(const Json& root, AddedTokens& tokens) const;
    // {"String": "..."} or {"Regex": "..."}
    std::shared_ptr<const Pcre2Regex> pattern(const Json& object, const std::string& key) const;
    void normalizer(const Json& node, const std::string& key, Normalizer& normalizer) const;
    void preTokenizer(const Json& node, const std::string& key, PreTokenizer& preTokenizer) const;
    void postProcessor(const Json& node, const std::string& key, BpeTokenizer::Parts& parts) const;
    void template_(const Json& node, const std::string& key, BpeTokenizer::Parts& parts) const;
    void checkModelOptions(const Json& model) const;
    // Added tokens continue the vocabulary's ids; the template's ids are tokens.
    void checkIds(const BpeTokenizer::Parts& parts, const BpeModel& model) const;

    const std::string& file() const { return m_file; }

private:
    std::string m_file;
};

std::vector<std::pair<std::string, long long>> Reader::vocabulary(const Json& model) const
{
    const Json& vocab = member(model, "vocab", "model.vocab");
    if (!vocab.is_object())
        throw error("model.vocab", "expected an object of piece -> id, found " + std::string(vocab.type_name()));
    std::vector<std::pair<std::string, long long>> entries;
    entries.reserve(vocab.size());
    for (const auto& [piece, id] : vocab.items())
        entries.emplace_back(piece, integer(id, "model.vocab[\"" + piece + "\"]"));
    return entries;
}

std::vector<BpeModel::Merge> Reader::merges(const Json& model) const
{
    std::vector<BpeModel::Merge> merges;
    if (!model.contains("merges"))
        return merges;
    const Json& list = array(model, "merges", "model");
    merges.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string key = "model.merges[" + std::to_string(i) + "]";
        const Json& entry = list[i];
        if (entry.is_array()) { // ["a", "b"]
            if (entry.size() != 2)
                throw error(key, "a merge pair must hold two pieces, not " + std::to_string(entry.size()));
            merges.push_back({string(entry[0], key + "[0]"), string(entry[1], key + "[1]")});
            continue;
        }
        const std::string line = string(entry, key); // "a b"
        const std::size_t space = line.find(' ');
        if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
            throw error(key, "\"" + line + "\" is not two pieces apart by one space");
        merges.push_back({line.substr(0, space), line.substr(space + 1)});
    }
    return merges;
}

void Reader::addedTokens(const Json& root, AddedTokens& tokens) const
{
    if (!root.contains("added_tokens") || root.at("added_tokens").is_null())
        return;
    const Json& list = array(root, "added_tokens", "");
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string key = "added_tokens[" + std::to_string(i) + "]";
        const Json& entry = list[i];
        if (!entry.is_object())
            throw error(key, "expected an object");
        AddedTokens::Token token;
        token.id = id(member(entry, "id", key + ".id"), key + ".id");
        token.content = string(member(entry, "content", key + ".content"), key + ".content");
        token.special = boolean(entry, "special", key, false);
        token.leftStrip = boolean(entry, "lstrip", key, false);
        token.rightStrip = boolean(entry, "rstrip", key, false);
        token.singleWord = boolean(entry, "single_word", key, false);
        tokens.add(std::move(token));
    }
}

std::shared_ptr<const Pcre2Regex> Reader::pattern(const Json& object, const std::string& key) const
{
    const Json& pattern = member(object, "pattern", key + ".pattern");
    if (pattern.is_object() && pattern.contains("String"))
        return std::make_shared<const Pcre2Regex>(string(pattern.at("String"), key + ".pattern.String"), true, m_file,
                                                  key + ".pattern.String");
    if (pattern.is_object() && pattern.contains("Regex"))
        return std::make_shared<const Pcre2Regex>(string(pattern.at("Regex"), key + ".pattern.Regex"), false, m_file,
                                                  key + ".pattern.Regex");
    throw error(key + ".pattern", "expected {\"String\": ...} or {\"Regex\": ...}");
}

void Reader::normalizer(const Json& node, const std::string& key, Normalizer& normalizer) const
{
    if (node.is_null())
        return;
    const std::string type = this->type(node, key);
    if (type == "Sequence") {
        const Json& steps = array(node, "normalizers", key);
        for (std::size_t i = 0; i < steps.size(); ++i)
            this->normalizer(steps[i], key + ".normalizers[" + std::to_string(i) + "]", normalizer);
    } else if (type == "Replace") {
        normalizer.addReplace(pattern(node, key), string(member(node, "content", key + ".content"), key + ".content"));
    } else if (type == "Prepend") {
        normalizer.addPrepend(string(member(node, "prepend", key + ".prepend"), key + ".prepend"));
    } else if (type == "NFC") {
        // Qwen2 asks for canonical composition. Text typed or pasted into the
        // app arrives composed (NFC) already, which is the case where this
        // step changes nothing; decomposed input would need a Unicode table
        // the core does not carry.
    } else {
        throw unsupported(key + ".type", "the normalizer", type);
    }
}

void Reader::preTokenizer(const Json& node, const std::string& key, PreTokenizer& preTokenizer) const
{
    if (node.is_null())
        return;
    const std::string type = this->type(node, key);
    if (type == "Sequence") {
        const Json& steps = array(node, "pretokenizers", key);
        for (std::size_t i = 0; i < steps.size(); ++i)
            this->preTokenizer(steps[i], key + ".pretokenizers[" + std::to_string(i) + "]", preTokenizer);
    } else if (type == "ByteLevel") {
        preTokenizer.addByteLevel(boolean(node, "add_prefix_space", key, true), boolean(node, "use_regex", key, true));
    } else if (type == "Split") {
        if (boolean(node, "invert", key, false))
            throw error(key + ".invert", "an inverted Split is not supported");
        const std::string behavior = string(member(node, "behavior", key + ".behavior"), key + ".behavior");
        using Behavior = PreTokenizer::Behavior;
        const std::vector<std::pair<std::string, Behavior>> behaviors{{"Isolated", Behavior::Isolated},
                                                                      {"Removed", Behavior::Removed},
                                                                      {"MergedWithPrevious", Behavior::MergedWithPrevious},
                                                                      {"MergedWithNext", Behavior::MergedWithNext}};
        const auto found = std::find_if(behaviors.begin(), behaviors.end(), [&](const auto& b) { return b.first == behavior; });
        if (found == behaviors.end())
            throw unsupported(key + ".behavior", "the split behaviour", behavior);
        preTokenizer.addSplit(pattern(node, key), found->second);
    } else if (type == "Digits") {
        preTokenizer.addDigits(boolean(node, "individual_digits", key, false));
    } else if (type == "Metaspace") {
        const std::string replacement = string(member(node, "replacement", key + ".replacement"), key + ".replacement");
        auto prepend = boolean(node, "add_prefix_space", key, true) ? PreTokenizer::Prepend::Always
                                                                   : PreTokenizer::Prepend::Never;
        if (node.contains("prepend_scheme")) {
            const std::string scheme = string(node.at("prepend_scheme"), key + ".prepend_scheme");
            if (scheme == "always")
                prepend = PreTokenizer::Prepend::Always;
            else if (scheme == "first")
                prepend = PreTokenizer::Prepend::First;
            else if (scheme == "never")
                prepend = PreTokenizer::Prepend::Never;
            else
                throw unsupported(key + ".prepend_scheme", "the prepend scheme", scheme);
        }
        preTokenizer.addMetaspace(replacement, prepend, boolean(node, "split", key, true));
    } else {
        throw unsupported(key + ".type", "the pre-tokenizer", type);
    }
}

void Reader::template_(const Json& node, const std::string& key, BpeTokenizer::Parts& parts) const
{
    const Json& single = array(node, "single", key);
    const Json& specials = member(node, "special_tokens", key + ".special_tokens");
    bool sequenceSeen = false;
    for (std::size_t i = 0; i < single.size(); ++i) {
        const std::string itemKey = key + ".single[" + std::to_string(i) + "]";
        const Json& item = single[i];
        if (item.is_object() && item.contains("Sequence")) {
            if (sequenceSeen)
                throw error(itemKey, "the text appears twice in the template");
            sequenceSeen = true;
            continue;
        }
        if (!item.is_object() || !item.contains("SpecialToken"))
            throw error(itemKey, "expected {\"SpecialToken\": ...} or {\"Sequence\": ...}");
        const std::string name = string(member(item.at("SpecialToken"), "id", itemKey + ".SpecialToken.id"),
                                        itemKey + ".SpecialToken.id");
        if (!specials.is_object() || !specials.contains(name))
            throw error(key + ".special_tokens", "\"" + name + "\", which the template names, is missing");
        const std::string specialKey = key + ".special_tokens[\"" + name + "\"].ids";
        const Json& ids = array(specials.at(name), "ids", key + ".special_tokens[\"" + name + "\"]");
        for (std::size_t j = 0; j < ids.size(); ++j)
            (sequenceSeen ? parts.suffix : parts.prefix).push_back(id(ids[j], specialKey + "[" + std::to_string(j) + "]"));
    }
    if (!sequenceSeen)
        throw error(key + ".single", "the template has no {\"Sequence\": ...} for the text");
}

void Reader::postProcessor(const Json& node, const std::string& key, BpeTokenizer::Parts& parts) const
{
    if (node.is_null())
        return;
    const std::string type = this->type(node, key);
    if (type == "Sequence") {
        const Json& steps = array(node, "processors", key);
        for (std::size_t i = 0; i < steps.size(); ++i)
            postProcessor(steps[i], key + ".processors[" + std::to_string(i) + "]", parts);
    } else if (type == "TemplateProcessing") {
        template_(node, key, parts);
    } else if (type != "ByteLevel") { // ByteLevel only trims offsets, which encode() does not report
        throw unsupported(key + ".type", "the post-processor", type);
    }
}

void Reader::checkModelOptions(const Json& model) const
{
    if (model.contains("dropout") && !model.at("dropout").is_null()) {
        if (!model.at("dropout").is_number())
            throw error("model.dropout", "expected a number or null");
        if (model.at("dropout").get<double>() > 0.0)
            throw error("model.dropout", "BPE dropout (random merges) is not supported: encoding must be repeatable");
    }
    for (const char* name : {"continuing_subword_prefix", "end_of_word_suffix"}) {
        if (model.contains(name) && !model.at(name).is_null() && string(model.at(name), std::string("model.") + name) != "")
            throw error(std::string("model.") + name, "word-piece markers are not supported");
    }
}

void Reader::checkIds(const BpeTokenizer::Parts& parts, const BpeModel& model) const
{
    const long long largest = model.size() + static_cast<long long>(parts.addedTokens.tokens().size()) + 1024;
    int size = model.size();
    for (const AddedTokens::Token& token : parts.addedTokens.tokens()) {
        if (token.id > largest)
            throw error("added_tokens", "\"" + token.content + "\" has id " + std::to_string(token.id) +
                                            ", far past the vocabulary's " + std::to_string(model.size()) + " tokens");
        size = std::max(size, token.id + 1);
    }
    for (const std::vector<int>* ids : {&parts.prefix, &parts.suffix})
        for (const int id : *ids)
            if (id >= size)
                throw error("post_processor", "the template adds id " + std::to_string(id) + ", which is no token");
}

int findEndToken(const std::string& eosToken, const BpeTokenizer::Parts& parts, const BpeModel& model, const Reader& reader)
{
    if (!eosToken.empty()) {
        if (const AddedTokens::Token* added = parts.addedTokens.find(std::string_view(eosToken)))
            return added->id;
        if (const std::optional<int> id = model.find(eosToken))
            return *id;
        throw reader.error("added_tokens", "the end token \"" + eosToken + "\" is neither an added token nor in model.vocab");
    }
    for (const char* usual : {"<|endoftext|>", "</s>", "<|end_of_text|>", "<|im_end|>", "<eos>"})
        if (const AddedTokens::Token* added = parts.addedTokens.find(std::string_view(usual)))
            return added->id;
    return -1;
}

Json parseJson(std::string_view text, const std::string& file)
{
    try {
        return Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& error) {
        throw LoadError::invalidJson(file, "the tokenizer", text, error.byte);
    } catch (const Json::out_of_range&) {
        throw LoadError(file, "the tokenizer holds a number too large to read (beyond 64 bits)");
    }
}

} // namespace

std::unique_ptr<Tokenizer> TokenizerJson::load(const std::string& path, const std::string& eosToken)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw LoadError(path, "cannot open file");
    std::ostringstream content;
    content << in.rdbuf();
    return parse(content.str(), path, eosToken);
}

std::unique_ptr<Tokenizer> TokenizerJson::parse(std::string_view text, const std::string& file,
                                                const std::string& eosToken)
{
    const Reader reader(file);
    const Json root = parseJson(text, file);
    if (!root.is_object())
        throw LoadError(file, "a tokenizer.json must be a JSON object");
    const Json& model = reader.member(root, "model", "model");
    if (!model.is_object())
        throw reader.error("model", "expected an object");
    const std::string type = model.contains("type") ? reader.string(model.at("type"), "model.type") : "BPE";
    if (type != "BPE")
        throw reader.error("model.type", "\"" + type + "\" is not supported: only BPE models load (byte-level or SentencePiece-style)");
    reader.checkModelOptions(model);

    const BpeModel::Source source{file, "model.vocab", file,
                                  [](std::size_t index) { return "model.merges[" + std::to_string(index) + "]"; }};
    BpeModel bpe(reader.vocabulary(model), reader.merges(model), source);
    BpeTokenizer::Parts parts;
    reader.addedTokens(root, parts.addedTokens);
    reader.normalizer(root.value("normalizer", Json()), "normalizer", parts.normalizer);
    reader.preTokenizer(root.value("pre_tokenizer", Json()), "pre_tokenizer", parts.preTokenizer);
    reader.postProcessor(root.value("post_processor", Json()), "post_processor", parts);
    parts.ignoreMerges = reader.boolean(model, "ignore_merges", "model", false);
    parts.byteFallback = reader.boolean(model, "byte_fallback", "model", false);
    parts.fuseUnknown = reader.boolean(model, "fuse_unk", "model", false);
    if (model.contains("unk_token") && !model.at("unk_token").is_null()) {
        const std::string unknown = reader.string(model.at("unk_token"), "model.unk_token");
        const std::optional<int> id = bpe.find(unknown);
        if (!id)
            throw reader.error("model.unk_token", "\"" + unknown + "\" is not in model.vocab");
        parts.unknownId = *id;
    }
    parts.eosId = findEndToken(eosToken, parts, bpe, reader);
    reader.checkIds(parts, bpe);

    if (parts.preTokenizer.isByteLevel())
        return std::make_unique<ByteLevelBpeTokenizer>(std::move(bpe), std::move(parts), file);
    if (parts.normalizer.prepends() || parts.preTokenizer.prependsMetaspace() || parts.byteFallback)
        return std::make_unique<SentencePieceBpeTokenizer>(std::move(bpe), std::move(parts));
    throw reader.error("pre_tokenizer", "neither byte-level (no ByteLevel step) nor SentencePiece-style (no \"▁\" "
                                        "prepended, no byte_fallback): this BPE variant is not supported");
}

} // namespace kv
