// libFuzzer target for llama2.c's tokenizer.bin reader and its run.c encoder.
// The input is the bytes of a tokenizer.bin, then a text, then one byte: the
// text's length (clamped to what precedes it). A tokenizer.bin is a
// Llama2cTokenizer or a kv::LoadError; a text encodes to BOS and ids inside
// the vocabulary, whose pieces and decoding are readable, or is a
// kv::TokenizeError at a position inside the text. Anything else is a bug.
// fuzz-sources: core/tokenizer/Llama2cTokenizer.cpp core/tokenizer/Tokenizer.cpp core/io/LoadError.cpp
// fuzz-seeds: tests/fuzz/seeds/llama2c-tokenizer/*.bin + "I saw a beautiful car, na\xc3\xafve \xf0\x9f\xa6\x99\n\x23"
#include "core/io/LoadError.h"
#include "core/tokenizer/Llama2cTokenizer.h"
#include "core/tokenizer/TokenizeError.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

void check(bool condition)
{
    if (!condition)
        __builtin_trap();
}

void encodeAndDecode(const kv::Llama2cTokenizer& tokenizer, const std::string& text)
{
    std::vector<int> ids;
    try {
        ids = tokenizer.encode(text);
    } catch (const kv::TokenizeError& error) {
        check(!tokenizer.encodesAnyText() && error.position() < text.size());
        return;
    }
    check(!ids.empty() && ids.front() == kv::Llama2cTokenizer::kBosId);
    check(ids.size() <= text.size() + 2);
    for (const int id : ids) {
        check(id >= 0 && id < tokenizer.size());
        check(!tokenizer.token(id).empty() || tokenizer.piece(id).empty());
    }
    (void)tokenizer.decode(ids);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view input(reinterpret_cast<const char*>(data), size - 1);
    const std::size_t textLength = std::min<std::size_t>(data[size - 1], input.size());
    const std::string text(input.substr(input.size() - textLength));
    try {
        const kv::Llama2cTokenizer tokenizer =
            kv::Llama2cTokenizer::parse(input.substr(0, input.size() - textLength), "fuzz-tokenizer.bin");
        encodeAndDecode(tokenizer, text);
    } catch (const kv::LoadError&) {
    }
    return 0;
}
