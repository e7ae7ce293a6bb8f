#pragma once

#include "core/tokenizer/BpeTokenizer.h"
#include "core/tokenizer/ByteLevelAlphabet.h"

#include <array>
#include <string>

namespace kv {

// Byte-level BPE (GPT-2, SmolLM2, Qwen2, Llama 3): each piece of the text is
// taken as UTF-8 bytes, each byte spelled by one character of GPT-2's
// alphabet ("Ġ" for a space), and the merges run on those characters. Any
// text encodes: every byte has a token.
class ByteLevelBpeTokenizer : public BpeTokenizer {
public:
    // Throws LoadError when a byte of the alphabet has no token.
    ByteLevelBpeTokenizer(BpeModel model, Parts parts, const std::string& file);
    // The older pair of files: vocab.json (piece -> id) and merges.txt (one
    // "left right" merge a line, after an optional "#version" line), with
    // GPT-2's pre-tokenizer and "<|endoftext|>" as the special end token.
    static ByteLevelBpeTokenizer fromVocabAndMerges(const std::string& vocabPath, const std::string& mergesPath);

    bool encodesAnyText() const override { return true; }

protected:
    void encodePlain(std::string_view text, std::size_t position, std::vector<int>& ids) const override;

private:
    ByteLevelAlphabet m_alphabet;
    std::array<int, 256> m_byteIds{}; // the token of each single byte
};

} // namespace kv
