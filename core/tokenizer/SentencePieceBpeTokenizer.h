#pragma once

#include "core/tokenizer/BpeTokenizer.h"

#include <array>
#include <string>

namespace kv {

// SentencePiece-style BPE in a tokenizer.json (TinyLlama, Llama 2, Mistral):
// spaces become "▁" and one "▁" goes in front (by the normalizer or the
// Metaspace pre-tokenizer), the merges run on Unicode characters, and a
// character the vocabulary lacks becomes its UTF-8 bytes as <0xXX> tokens
// (byte_fallback) or the unknown token.
class SentencePieceBpeTokenizer : public BpeTokenizer {
public:
    SentencePieceBpeTokenizer(BpeModel model, Parts parts);

    bool encodesAnyText() const override { return m_parts.byteFallback || m_parts.unknownId.has_value(); }

protected:
    void encodePlain(std::string_view text, std::size_t position, std::vector<int>& ids) const override;
    // Drops the one space the encoder put in front.
    std::string finishDecoding(std::string text) const override;

private:
    // The initial symbols of one character at byte `position` of the text.
    void appendCharacter(std::string_view character, std::size_t position, std::vector<int>& symbols) const;

    std::array<int, 256> m_byteIds{}; // <0xXX> tokens, -1 where missing
    bool m_prepends = false;
};

} // namespace kv
