#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kv {

// The model half of a BPE tokenizer: a vocabulary (piece -> id) and a ranked
// merge list. A word starts as a row of single-character ids; the adjacent
// pair with the lowest rank merges first (the leftmost among equals), again
// and again until no adjacent pair has a merge.
class BpeModel {
public:
    struct Merge {
        std::string left;
        std::string right;
    };
    // Where the vocabulary and the merges come from, for messages.
    struct Source {
        std::string vocabularyFile;
        std::string vocabularyKey; // "model.vocab", "the vocabulary"
        std::string mergesFile;
        std::function<std::string(std::size_t)> where; // names merge i: "model.merges[3]", "line 5"
    };
    // Throws LoadError naming the file and key for an empty vocabulary, a
    // negative, repeated or far too large id, or a merge whose parts or
    // result are not in the vocabulary.
    BpeModel(const std::vector<std::pair<std::string, long long>>& vocabulary, const std::vector<Merge>& merges,
             const Source& source);

    // Applies the merges to a word given as its initial symbol ids.
    std::vector<int> merge(const std::vector<int>& symbols) const;
    std::optional<int> find(std::string_view piece) const;
    // The vocabulary's spelling of `id`; empty for an id no entry has.
    const std::string& piece(int id) const;
    // One past the largest id.
    int size() const { return static_cast<int>(m_pieces.size()); }
    std::size_t mergeCount() const { return m_merges.size(); }

private:
    struct Rule {
        int rank = 0;
        int merged = 0;
    };
    static std::uint64_t key(int left, int right)
    {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
    }
    const Rule* rule(int left, int right) const;

    std::unordered_map<std::string, int> m_ids;
    std::vector<std::string> m_pieces;
    std::unordered_map<std::uint64_t, Rule> m_merges;
};

} // namespace kv
