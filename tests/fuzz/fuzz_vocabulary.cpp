// libFuzzer target for the word-level vocabulary and its encoder. The input
// is the bytes of a vocab.txt, a NUL byte, then a text to encode (no NUL: the
// text is empty). A vocabulary is a WordTokenizer or a kv::LoadError; a text
// is ids inside the vocabulary that decode, or a kv::TokenizeError at a
// position inside the text. Anything else is a bug.
// fuzz-sources: core/tokenizer/WordTokenizer.cpp core/tokenizer/Tokenizer.cpp core/tokenizer/UnknownWordError.cpp core/io/LoadError.cpp
// fuzz-seeds: assets/models/*/vocab.txt + "\0I saw a beautiful car [EOS]"
#include "core/io/LoadError.h"
#include "core/tokenizer/TokenizeError.h"
#include "core/tokenizer/WordTokenizer.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace {

void encodeAndDecode(const kv::WordTokenizer& tokenizer, const std::string& text)
{
    try {
        const std::vector<int> ids = tokenizer.encode(text);
        for (int id : ids)
            if (id < 0 || id >= tokenizer.size())
                __builtin_trap();
        (void)tokenizer.decode(ids);
    } catch (const kv::TokenizeError& error) {
        if (error.position() >= text.size())
            __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string input(reinterpret_cast<const char*>(data), size);
    const std::size_t split = input.find('\0');
    const std::string vocabulary = input.substr(0, split);
    const std::string text = split == std::string::npos ? std::string() : input.substr(split + 1);
    std::optional<kv::WordTokenizer> tokenizer;
    try {
        tokenizer.emplace(kv::WordTokenizer::fromText(vocabulary, "[EOS]", "fuzz/vocab.txt"));
    } catch (const kv::LoadError&) {
        return 0;
    }
    // Every token is found again by its own text, as itself.
    for (int id = 0; id < tokenizer->size(); ++id)
        if (tokenizer->find(tokenizer->token(id)) != id)
            __builtin_trap();
    encodeAndDecode(*tokenizer, text);
    return 0;
}
