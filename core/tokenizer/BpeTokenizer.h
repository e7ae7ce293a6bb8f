#pragma once

#include "core/tokenizer/AddedTokens.h"
#include "core/tokenizer/BpeModel.h"
#include "core/tokenizer/Normalizer.h"
#include "core/tokenizer/PreTokenizer.h"
#include "core/tokenizer/Tokenizer.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace kv {

// What byte-level and SentencePiece-style BPE tokenizers share: added tokens
// cut out first, then per stretch of plain text normalizer -> pre-tokenizer
// -> merges, and the post-processor's ids (BOS) around the result.
class BpeTokenizer : public Tokenizer {
public:
    // Everything around the model, as a tokenizer.json describes it.
    struct Parts {
        AddedTokens addedTokens;
        Normalizer normalizer;
        PreTokenizer preTokenizer;
        std::vector<int> prefix; // ids the post-processor puts before the text (BOS)
        std::vector<int> suffix; // and after it
        int eosId = -1;
        bool ignoreMerges = false; // a word the vocabulary holds whole is one token
        // SentencePiece-style: a character missing from the vocabulary
        std::optional<int> unknownId;
        bool byteFallback = false; // becomes <0xXX> byte tokens
        bool fuseUnknown = false;  // consecutive unknowns become one
    };

    std::vector<int> encode(const std::string& text) const override;
    std::string decode(const std::vector<int>& ids) const override;
    std::string token(int id) const override;
    int size() const override { return static_cast<int>(m_bytes.size()); }
    int eosId() const override { return m_parts.eosId; }
    int bosId() const override { return m_parts.prefix.empty() ? -1 : m_parts.prefix.front(); }
    // Finds a piece as the vocabulary spells it ("Ġthe", "▁the") or an added token.
    std::optional<int> find(const std::string& piece) const override;
    const BpeModel& model() const { return m_model; }

protected:
    BpeTokenizer(BpeModel model, Parts parts);
    // Fills the bytes each id stands for; derived constructors call it once.
    template <typename PieceBytes> void tabulate(PieceBytes pieceBytes);
    // Appends the ids of one stretch of plain text starting at byte `position`.
    virtual void encodePlain(std::string_view text, std::size_t position, std::vector<int>& ids) const = 0;
    // The decoded text's last edit (SentencePiece drops the space it prepended).
    virtual std::string finishDecoding(std::string text) const { return text; }

    BpeModel m_model;
    Parts m_parts;

private:
    std::vector<std::string> m_bytes; // what each id stands for, raw bytes
    std::vector<bool> m_added;        // whether each id is an added token
};

template <typename PieceBytes> void BpeTokenizer::tabulate(PieceBytes pieceBytes)
{
    int count = m_model.size();
    for (const AddedTokens::Token& added : m_parts.addedTokens.tokens())
        count = std::max(count, added.id + 1);
    m_bytes.assign(static_cast<std::size_t>(count), std::string());
    m_added.assign(static_cast<std::size_t>(count), false);
    for (int id = 0; id < m_model.size(); ++id)
        m_bytes[static_cast<std::size_t>(id)] = pieceBytes(m_model.piece(id));
    for (const AddedTokens::Token& added : m_parts.addedTokens.tokens()) {
        m_bytes[static_cast<std::size_t>(added.id)] = added.content;
        m_added[static_cast<std::size_t>(added.id)] = true;
    }
}

} // namespace kv
