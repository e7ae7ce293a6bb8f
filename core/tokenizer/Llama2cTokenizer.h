#pragma once

#include "core/tokenizer/Tokenizer.h"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kv {

// The SentencePiece vocabulary llama2.c exports as tokenizer.bin: a uint32
// max token length, then per token a float32 merge score, an int32 byte
// length and the piece's bytes (a word-start space is a plain ' ', raw bytes
// are the pieces "<0x00>".."<0xFF>" at ids 3..258). It encodes and decodes by
// the rules of llama2.c's run.c, so its ids are the ones run.c computes.
class Llama2cTokenizer : public Tokenizer {
public:
    static constexpr int kBosId = 1;
    static constexpr int kEosId = 2;
    static constexpr int kByteFallbackOffset = 3; // the id of raw byte b is b + 3

    // Throws LoadError naming the file and, for a bad record, the token index.
    static Llama2cTokenizer fromFile(const std::string& path);
    static Llama2cTokenizer parse(std::string_view bytes, const std::string& source);

    // BOS, then (for non-empty text) the dummy-prefix " ", one id per UTF-8
    // code point (bytes + 3 where the code point is not a piece), then the
    // adjacent pair whose concatenation is a piece of the highest score is
    // merged, until no pair is. Throws TokenizeError at the byte whose
    // fallback id lies outside a vocabulary too small to hold the 256 bytes.
    std::vector<int> encode(const std::string& text) const override;
    // Pieces concatenated; the leading space of the piece after BOS is
    // dropped, "<0xXX>" pieces are the raw byte, BOS and EOS add no text.
    std::string decode(const std::vector<int>& ids) const override;
    // The piece as a reader sees it: "<s>", "</s>", "<0x0A>", " the"; a byte
    // that is not printable UTF-8 is shown as <0xXX>.
    std::string token(int id) const override;

    int size() const override { return static_cast<int>(m_pieces.size()); }
    int eosId() const override { return kEosId; }
    int bosId() const override { return kBosId; }
    bool encodesAnyText() const override { return size() >= kByteFallbackOffset + 256; }
    std::optional<int> find(const std::string& piece) const override;

    // The piece's bytes exactly as tokenizer.bin stores them.
    const std::string& piece(int id) const;
    float score(int id) const;
    int maxTokenLength() const { return m_maxTokenLength; }
    const std::string& source() const { return m_source; }

private:
    Llama2cTokenizer() = default;
    void checkId(int id) const;
    // One id per code point of `text`, bytes + 3 where the code point is unknown.
    std::vector<int> codePointIds(const std::string& text) const;
    // run.c's merge loop, in O(n log n): merges the best-scoring adjacent pair
    // (leftmost among equals) until no concatenation is a piece.
    std::vector<int> merge(const std::vector<int>& ids) const;
    std::string decodePiece(int previous, int id) const;

    std::string m_source;
    int m_maxTokenLength = 0;
    std::vector<std::string> m_pieces;
    std::vector<float> m_scores;
    std::unordered_map<std::string, int> m_idByPiece; // the first id of each piece
};

} // namespace kv
