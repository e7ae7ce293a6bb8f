#include "core/tokenizer/ByteLevelBpeTokenizer.h"

#include "core/io/LoadError.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace kv {

namespace {

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw LoadError(path, "cannot open file");
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

std::vector<std::pair<std::string, long long>> readVocabJson(const std::string& path)
{
    const std::string text = readFile(path);
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        throw LoadError::invalidJson(path, "the vocabulary", text, error.byte);
    } catch (const nlohmann::json::out_of_range&) {
        throw LoadError(path, "the vocabulary holds a number too large to read (beyond 64 bits)");
    }
    if (!json.is_object())
        throw LoadError(path, "the vocabulary must be a JSON object of piece -> id");
    std::vector<std::pair<std::string, long long>> vocabulary;
    for (const auto& [piece, id] : json.items()) {
        if (!id.is_number_integer())
            throw LoadError(path, "the id of \"" + piece + "\" is not an integer");
        vocabulary.emplace_back(piece, id.get<long long>());
    }
    return vocabulary;
}

std::vector<BpeModel::Merge> readMergesTxt(const std::string& path, std::vector<std::size_t>& lineNumbers)
{
    std::istringstream in(readFile(path));
    std::vector<BpeModel::Merge> merges;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || (number == 1 && line.rfind("#version", 0) == 0))
            continue;
        const std::size_t space = line.find(' ');
        if (space == std::string::npos || space == 0 || line.find(' ', space + 1) != std::string::npos ||
            space + 1 == line.size())
            throw LoadError(path, "line " + std::to_string(number) + " is not two pieces apart by one space: \"" +
                                      line + "\"");
        merges.push_back({line.substr(0, space), line.substr(space + 1)});
        lineNumbers.push_back(number);
    }
    return merges;
}

} // namespace

ByteLevelBpeTokenizer::ByteLevelBpeTokenizer(BpeModel model, Parts parts, const std::string& file)
    : BpeTokenizer(std::move(model), std::move(parts))
{
    for (int byte = 0; byte < 256; ++byte) {
        const std::string& character = m_alphabet.character(static_cast<unsigned char>(byte));
        const std::optional<int> id = m_model.find(character);
        if (!id)
            throw LoadError(file, "the vocabulary has no token for byte " + std::to_string(byte) + " (\"" + character +
                                      "\"), which a byte-level vocabulary must hold");
        m_byteIds[static_cast<std::size_t>(byte)] = *id;
    }
    tabulate([this](const std::string& piece) { return m_alphabet.bytes(piece).value_or(piece); });
}

ByteLevelBpeTokenizer ByteLevelBpeTokenizer::fromVocabAndMerges(const std::string& vocabPath,
                                                                const std::string& mergesPath)
{
    const auto vocabulary = readVocabJson(vocabPath);
    std::vector<std::size_t> lineNumbers;
    const auto merges = readMergesTxt(mergesPath, lineNumbers);
    BpeModel model(vocabulary, merges,
                   {vocabPath, "the vocabulary", mergesPath,
                    [&](std::size_t index) { return "line " + std::to_string(lineNumbers[index]); }});
    Parts parts;
    parts.preTokenizer.addByteLevel(false, true);
    const std::string endOfText = "<|endoftext|>";
    if (const std::optional<int> id = model.find(endOfText)) {
        parts.addedTokens.add({endOfText, *id, true});
        parts.eosId = *id;
    }
    return ByteLevelBpeTokenizer(std::move(model), std::move(parts), vocabPath);
}

void ByteLevelBpeTokenizer::encodePlain(std::string_view text, std::size_t position, std::vector<int>& ids) const
{
    const std::string normalized = m_parts.normalizer.apply(text);
    std::vector<int> symbols;
    for (const PreTokenizer::Piece& piece : m_parts.preTokenizer.apply(normalized, position)) {
        if (m_parts.ignoreMerges)
            if (const std::optional<int> whole = m_model.find(m_alphabet.spell(piece.text))) {
                ids.push_back(*whole);
                continue;
            }
        symbols.clear();
        for (const char byte : piece.text)
            symbols.push_back(m_byteIds[static_cast<unsigned char>(byte)]);
        const std::vector<int> merged = m_model.merge(symbols);
        ids.insert(ids.end(), merged.begin(), merged.end());
    }
}

} // namespace kv
