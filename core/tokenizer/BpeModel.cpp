#include "core/tokenizer/BpeModel.h"

#include "core/io/LoadError.h"

#include <algorithm>
#include <queue>

namespace kv {

namespace {

// Ids index a table, so they must be dense enough for one: a hostile file
// naming id 2,000,000,000 is an error, not a 64 GB allocation.
constexpr long long idSlack = 1024;

std::string quoted(const std::string& text)
{
    return "\"" + text + "\"";
}

} // namespace

BpeModel::BpeModel(const std::vector<std::pair<std::string, long long>>& vocabulary,
                   const std::vector<Merge>& merges, const Source& source)
{
    const std::string& file = source.vocabularyFile;
    const std::string& vocabularyKey = source.vocabularyKey;
    if (vocabulary.empty())
        throw LoadError(file, vocabularyKey + " is empty");
    std::vector<bool> taken;
    const long long largestAllowed = 2 * static_cast<long long>(vocabulary.size()) + idSlack;
    for (const auto& [text, id] : vocabulary) {
        if (id < 0 || id > largestAllowed)
            throw LoadError(file, vocabularyKey + ": token " + quoted(text) + " has id " + std::to_string(id) +
                                      ", outside 0.." + std::to_string(largestAllowed) + " for " +
                                      std::to_string(vocabulary.size()) + " tokens");
        const auto index = static_cast<std::size_t>(id);
        if (index >= m_pieces.size()) {
            m_pieces.resize(index + 1);
            taken.resize(index + 1, false);
        }
        if (m_ids.count(text) || taken[index])
            throw LoadError(file, vocabularyKey + ": token " + quoted(text) + " or its id " + std::to_string(id) +
                                      " appears twice");
        m_pieces[index] = text;
        taken[index] = true;
        m_ids.emplace(text, static_cast<int>(id));
    }
    m_merges.reserve(merges.size());
    for (std::size_t rank = 0; rank < merges.size(); ++rank) {
        const Merge& merge = merges[rank];
        for (const std::string* part : std::initializer_list<const std::string*>{&merge.left, &merge.right, nullptr}) {
            const std::string text = part ? *part : merge.left + merge.right;
            if (!m_ids.count(text))
                throw LoadError(source.mergesFile, source.where(rank) + ": the merge " + quoted(merge.left + " " + merge.right) +
                                          " names " + quoted(text) + ", which is not in " + vocabularyKey);
        }
        // A repeated merge keeps its first (lowest) rank.
        m_merges.emplace(key(m_ids.at(merge.left), m_ids.at(merge.right)),
                         Rule{static_cast<int>(rank), m_ids.at(merge.left + merge.right)});
    }
}

const BpeModel::Rule* BpeModel::rule(int left, int right) const
{
    const auto found = m_merges.find(key(left, right));
    return found == m_merges.end() ? nullptr : &found->second;
}

std::vector<int> BpeModel::merge(const std::vector<int>& symbols) const
{
    if (symbols.size() < 2)
        return symbols;
    // The word as a doubly linked list; a merge folds the right symbol into the left.
    struct Symbol {
        int id;
        int previous;
        int next;
    };
    // An adjacent pair that has a merge; stale once either side has changed.
    struct Candidate {
        int rank;
        int position;
        int left;
        int right;
        int merged;
        bool operator>(const Candidate& other) const
        {
            return rank != other.rank ? rank > other.rank : position > other.position;
        }
    };
    const int count = static_cast<int>(symbols.size());
    std::vector<Symbol> word(symbols.size());
    for (int i = 0; i < count; ++i)
        word[static_cast<std::size_t>(i)] = {symbols[static_cast<std::size_t>(i)], i - 1, i + 1 < count ? i + 1 : -1};
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
    const auto consider = [&](int position) {
        const Symbol& left = word[static_cast<std::size_t>(position)];
        if (left.next < 0)
            return;
        const int right = word[static_cast<std::size_t>(left.next)].id;
        if (const Rule* found = rule(left.id, right))
            queue.push({found->rank, position, left.id, right, found->merged});
    };
    for (int i = 0; i + 1 < count; ++i)
        consider(i);

    while (!queue.empty()) {
        const Candidate top = queue.top();
        queue.pop();
        Symbol& left = word[static_cast<std::size_t>(top.position)];
        if (left.id != top.left || left.next < 0 || word[static_cast<std::size_t>(left.next)].id != top.right)
            continue;
        Symbol& right = word[static_cast<std::size_t>(left.next)];
        left.id = top.merged;
        left.next = right.next;
        right.id = -1; // folded into its left neighbour
        if (left.next >= 0)
            word[static_cast<std::size_t>(left.next)].previous = top.position;
        if (left.previous >= 0)
            consider(left.previous);
        consider(top.position);
    }
    std::vector<int> ids;
    for (int i = 0; i >= 0; i = word[static_cast<std::size_t>(i)].next)
        ids.push_back(word[static_cast<std::size_t>(i)].id);
    return ids;
}

std::optional<int> BpeModel::find(std::string_view piece) const
{
    const auto found = m_ids.find(std::string(piece));
    if (found == m_ids.end())
        return std::nullopt;
    return found->second;
}

const std::string& BpeModel::piece(int id) const
{
    static const std::string none;
    if (id < 0 || id >= size())
        return none;
    return m_pieces[static_cast<std::size_t>(id)];
}

} // namespace kv
