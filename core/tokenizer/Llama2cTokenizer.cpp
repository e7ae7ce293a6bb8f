#include "core/tokenizer/Llama2cTokenizer.h"

#include "core/io/LoadError.h"
#include "core/tokenizer/TokenizeError.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <queue>

namespace kv {

namespace {

// A piece longer than this is not a plausible SentencePiece token (its
// trainer caps pieces at 16 characters); a larger declared maximum is a
// hostile or corrupt header.
constexpr std::uint32_t kLargestMaxTokenLength = 1u << 16;
// run.c starts its search for the best merge at this score, with a strict
// comparison: a pair scoring no more than this is never merged.
constexpr float kNoMergeScore = -1e10f;

template <typename T>
T readValue(std::string_view bytes, std::size_t offset)
{
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

std::string hexByte(unsigned char byte)
{
    static const char digits[] = "0123456789ABCDEF";
    return std::string("<0x") + digits[byte >> 4] + digits[byte & 0xf] + ">";
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

// The byte a "<0xXX>" piece stands for, or -1 for any other piece.
int rawByte(const std::string& piece)
{
    if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>')
        return -1;
    const int high = hexDigit(piece[3]);
    const int low = hexDigit(piece[4]);
    return high < 0 || low < 0 ? -1 : high * 16 + low;
}

// The length of the well-formed UTF-8 sequence starting at `at`, or 0.
std::size_t utf8Length(const std::string& text, std::size_t at)
{
    const auto lead = static_cast<unsigned char>(text[at]);
    const std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
    if (length == 0 || at + length > text.size())
        return 0;
    for (std::size_t i = 1; i < length; ++i)
        if ((static_cast<unsigned char>(text[at + i]) & 0xc0) != 0x80)
            return 0;
    return length;
}

// `piece` with every control character and every byte outside well-formed
// UTF-8 written as <0xXX>, so that nothing invisible or undisplayable remains.
std::string visible(const std::string& piece)
{
    std::string shown;
    for (std::size_t at = 0; at < piece.size();) {
        const auto byte = static_cast<unsigned char>(piece[at]);
        const std::size_t length = utf8Length(piece, at);
        if (length == 0 || byte < 0x20 || byte == 0x7f) {
            shown += hexByte(byte);
            ++at;
        } else {
            shown.append(piece, at, length);
            at += length;
        }
    }
    return shown;
}

std::string trimmed(const std::string& text)
{
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

} // namespace

Llama2cTokenizer Llama2cTokenizer::fromFile(const std::string& path)
{
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
        throw LoadError(path, "cannot open file (no such regular file)");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw LoadError(path, "cannot open file");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse(bytes, path);
}

Llama2cTokenizer Llama2cTokenizer::parse(std::string_view bytes, const std::string& source)
{
    Llama2cTokenizer tokenizer;
    tokenizer.m_source = source;
    if (bytes.size() < sizeof(std::uint32_t))
        throw LoadError(source, "the file is " + std::to_string(bytes.size())
                                    + " bytes long; a tokenizer.bin starts with a 4-byte max token length");
    const auto maxLength = readValue<std::uint32_t>(bytes, 0);
    if (maxLength == 0 || maxLength > kLargestMaxTokenLength)
        throw LoadError(source, "the max token length " + std::to_string(maxLength) + " is not between 1 and "
                                    + std::to_string(kLargestMaxTokenLength) + " (not a llama2.c tokenizer.bin?)");
    tokenizer.m_maxTokenLength = static_cast<int>(maxLength);
    for (std::size_t offset = sizeof(std::uint32_t); offset < bytes.size();) {
        const std::string index = "token " + std::to_string(tokenizer.m_pieces.size());
        const std::size_t remaining = bytes.size() - offset;
        if (remaining < sizeof(float) + sizeof(std::int32_t))
            throw LoadError(source, index + " is cut off after " + std::to_string(remaining)
                                        + " bytes: its score and length need 8 (a truncated file?)");
        const auto score = readValue<float>(bytes, offset);
        const auto length = readValue<std::int32_t>(bytes, offset + sizeof(float));
        offset += sizeof(float) + sizeof(std::int32_t);
        if (length < 0)
            throw LoadError(source, index + " has a negative length (" + std::to_string(length) + ")");
        if (static_cast<std::uint32_t>(length) > maxLength)
            throw LoadError(source, index + " is " + std::to_string(length) + " bytes long, more than the max token length "
                                        + std::to_string(maxLength) + " the file declares");
        if (bytes.size() - offset < static_cast<std::size_t>(length))
            throw LoadError(source, index + " is cut off: " + std::to_string(length) + " bytes declared, "
                                        + std::to_string(bytes.size() - offset) + " left in the file (a truncated file?)");
        std::string piece(bytes.substr(offset, static_cast<std::size_t>(length)));
        offset += static_cast<std::size_t>(length);
        tokenizer.m_idByPiece.emplace(piece, static_cast<int>(tokenizer.m_pieces.size()));
        tokenizer.m_pieces.push_back(std::move(piece));
        tokenizer.m_scores.push_back(score);
    }
    if (tokenizer.size() <= kEosId)
        throw LoadError(source, "the file holds " + std::to_string(tokenizer.size())
                                    + " tokens; a llama2.c vocabulary has at least 3 (<unk>, BOS 1 and EOS 2)");
    return tokenizer;
}

void Llama2cTokenizer::checkId(int id) const
{
    if (id < 0 || id >= size())
        throw KvError(m_source + ": token id " + std::to_string(id) + " is outside the vocabulary of "
                      + std::to_string(size()) + " tokens");
}

const std::string& Llama2cTokenizer::piece(int id) const
{
    checkId(id);
    return m_pieces[static_cast<std::size_t>(id)];
}

float Llama2cTokenizer::score(int id) const
{
    checkId(id);
    return m_scores[static_cast<std::size_t>(id)];
}

std::optional<int> Llama2cTokenizer::find(const std::string& piece) const
{
    const auto found = m_idByPiece.find(piece);
    if (found == m_idByPiece.end())
        return std::nullopt;
    return found->second;
}

std::vector<int> Llama2cTokenizer::encode(const std::string& text) const
{
    std::vector<int> ids;
    if (!text.empty()) {
        // SentencePiece's add_dummy_prefix: the text starts a word. A
        // vocabulary without a " " piece gets no prefix.
        if (const auto space = find(" "))
            ids.push_back(*space);
    }
    const std::vector<int> points = codePointIds(text);
    ids.insert(ids.end(), points.begin(), points.end());
    // run.c merges over the whole sequence, BOS included; only a hostile
    // vocabulary holding BOS's piece joined to another can merge BOS away
    // (found by fuzz_llama2c_tokenizer). BOS stays first and alone here: the
    // walk-through starts every Llama sequence from it.
    std::vector<int> merged = merge(ids);
    merged.insert(merged.begin(), kBosId);
    return merged;
}

std::vector<int> Llama2cTokenizer::codePointIds(const std::string& text) const
{
    std::vector<int> ids;
    std::string point;
    for (std::size_t i = 0; i < text.size(); ++i) {
        // A lead byte starts a new code point; continuation bytes join it, up to 4 bytes.
        if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80)
            point.clear();
        point.push_back(text[i]);
        const bool continues = i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xc0) == 0x80;
        if (continues && point.size() < 4)
            continue;
        if (const auto id = find(point)) {
            ids.push_back(*id);
        } else {
            const std::size_t start = i + 1 - point.size();
            for (std::size_t b = 0; b < point.size(); ++b) {
                const int id = static_cast<unsigned char>(point[b]) + kByteFallbackOffset;
                if (id >= size())
                    throw TokenizeError(m_source + ": byte " + hexByte(static_cast<unsigned char>(point[b]))
                                            + " at position " + std::to_string(start + b) + " is not a piece, and "
                                            + "the vocabulary of " + std::to_string(size())
                                            + " tokens has no byte-fallback id for it",
                                        start + b);
                ids.push_back(id);
            }
        }
        point.clear();
    }
    return ids;
}

std::vector<int> Llama2cTokenizer::merge(const std::vector<int>& input) const
{
    // The sequence as a linked list over the input positions; a position's
    // version changes whenever its id does, which retires the queued pairs
    // it was part of.
    const int n = static_cast<int>(input.size());
    std::vector<int> ids = input;
    std::vector<int> next(static_cast<std::size_t>(n)), previous(static_cast<std::size_t>(n));
    std::vector<int> version(static_cast<std::size_t>(n), 0);
    std::vector<bool> alive(static_cast<std::size_t>(n), true);
    for (int i = 0; i < n; ++i) {
        next[static_cast<std::size_t>(i)] = i + 1 < n ? i + 1 : -1;
        previous[static_cast<std::size_t>(i)] = i - 1;
    }
    struct Candidate {
        float score;
        int left, leftVersion, right, rightVersion, merged;
    };
    // Highest score first; among equal scores the leftmost pair, as run.c's
    // left-to-right scan with a strict comparison picks it.
    const auto later = [](const Candidate& a, const Candidate& b) {
        return a.score != b.score ? a.score < b.score : a.left > b.left;
    };
    std::priority_queue<Candidate, std::vector<Candidate>, decltype(later)> queue(later);
    const auto consider = [&](int left) {
        if (left < 0)
            return;
        const int right = next[static_cast<std::size_t>(left)];
        if (right < 0)
            return;
        const auto merged = find(m_pieces[static_cast<std::size_t>(ids[static_cast<std::size_t>(left)])]
                                 + m_pieces[static_cast<std::size_t>(ids[static_cast<std::size_t>(right)])]);
        if (!merged || !(m_scores[static_cast<std::size_t>(*merged)] > kNoMergeScore))
            return;
        queue.push({m_scores[static_cast<std::size_t>(*merged)], left, version[static_cast<std::size_t>(left)], right,
                    version[static_cast<std::size_t>(right)], *merged});
    };
    for (int i = 0; i + 1 < n; ++i)
        consider(i);
    while (!queue.empty()) {
        const Candidate best = queue.top();
        queue.pop();
        const auto left = static_cast<std::size_t>(best.left);
        const auto right = static_cast<std::size_t>(best.right);
        if (!alive[left] || !alive[right] || version[left] != best.leftVersion
            || version[right] != best.rightVersion || next[left] != best.right)
            continue;
        ids[left] = best.merged;
        ++version[left];
        alive[right] = false;
        next[left] = next[right];
        if (next[right] >= 0)
            previous[static_cast<std::size_t>(next[right])] = best.left;
        consider(previous[left]);
        consider(best.left);
    }
    std::vector<int> merged;
    for (int i = 0; i >= 0 && i < n; i = next[static_cast<std::size_t>(i)])
        merged.push_back(ids[static_cast<std::size_t>(i)]);
    return merged;
}

std::string Llama2cTokenizer::decodePiece(int previous, int id) const
{
    if (id == kBosId || id == kEosId)
        return {};
    const std::string& text = piece(id);
    // SentencePiece drops the dummy-prefix space of the first word (run.c's PR #89).
    if (previous == kBosId && !text.empty() && text[0] == ' ')
        return text.substr(1);
    const int byte = rawByte(text);
    return byte < 0 ? text : std::string(1, static_cast<char>(byte));
}

std::string Llama2cTokenizer::decode(const std::vector<int>& ids) const
{
    std::string text;
    for (std::size_t i = 0; i < ids.size(); ++i)
        text += decodePiece(i > 0 ? ids[i - 1] : -1, ids[i]);
    return text;
}

std::string Llama2cTokenizer::token(int id) const
{
    const std::string& text = piece(id);
    // llama2.c exports BOS and EOS as "\n<s>\n" and "\n</s>\n".
    if (id == kBosId || id == kEosId) {
        const std::string name = trimmed(text);
        if (!name.empty())
            return visible(name);
    }
    return visible(text);
}

} // namespace kv
