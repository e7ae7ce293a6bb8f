#pragma once

#include "core/tokenizer/Pcre2Regex.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kv {

// Cuts normalized text into the pieces BPE merges within (merges never cross
// a cut), as the steps of a tokenizer.json pre_tokenizer do, in order.
class PreTokenizer {
public:
    struct Piece {
        std::string text;
        std::size_t position = 0; // byte offset of the piece's stretch in the whole text
    };
    // What becomes of the text a pattern matches (tokenizer.json "behavior").
    enum class Behavior { Isolated, Removed, MergedWithPrevious, MergedWithNext };
    enum class Prepend { Always, First, Never };

    // GPT-2's pattern: contractions, letters, digits, other marks, whitespace.
    static const char* gpt2Pattern();

    void addSplit(std::shared_ptr<const Pcre2Regex> pattern, Behavior behavior);
    // Byte-level: a space in front of a piece that has none (`addPrefixSpace`),
    // then GPT-2's pattern as an Isolated split (`useRegex`).
    void addByteLevel(bool addPrefixSpace, bool useRegex);
    // Digits apart from the rest: one piece per digit or per run of digits.
    void addDigits(bool individual);
    // SentencePiece's Metaspace: spaces become `replacement`, which is put in
    // front of the text, and each word starts a piece (`split`).
    void addMetaspace(const std::string& replacement, Prepend prepend, bool split);

    bool empty() const { return m_steps.empty(); }
    bool isByteLevel() const;
    bool prependsMetaspace() const;
    // The pieces of one stretch of plain text starting at byte `position`.
    std::vector<Piece> apply(std::string_view text, std::size_t position) const;

private:
    enum class Kind { Split, ByteLevel, Metaspace };
    struct Step {
        Kind kind = Kind::Split;
        std::shared_ptr<const Pcre2Regex> pattern; // Split, and ByteLevel with its regex
        Behavior behavior = Behavior::Isolated;
        bool addPrefixSpace = false; // ByteLevel
        std::string replacement;     // Metaspace
        Prepend prepend = Prepend::Always;
    };
    static void split(const Piece& piece, const Pcre2Regex& pattern, Behavior behavior, std::vector<Piece>& out);
    static void metaspace(const Step& step, Piece piece, std::vector<Piece>& out);

    std::vector<Step> m_steps;
};

} // namespace kv
