// libFuzzer target for tokenizer.json: any bytes either load as a BPE
// tokenizer or are a kv::LoadError. A tokenizer that loads then encodes a
// short text (added tokens, digits, spaces, non-ASCII, a missing character)
// and decodes and shows every id: that either works or is a
// kv::TokenizeError. Anything else (a crash, another exception type, a
// sanitizer report, a hang in a hostile pattern) is a bug.
// fuzz-sources: core/io/LoadError.cpp core/tokenizer/Tokenizer.cpp core/tokenizer/AddedTokens.cpp core/tokenizer/BpeModel.cpp core/tokenizer/BpeTokenizer.cpp core/tokenizer/ByteLevelAlphabet.cpp core/tokenizer/ByteLevelBpeTokenizer.cpp core/tokenizer/Normalizer.cpp core/tokenizer/Pcre2Regex.cpp core/tokenizer/PreTokenizer.cpp core/tokenizer/SentencePieceBpeTokenizer.cpp core/tokenizer/TokenDisplay.cpp core/tokenizer/TokenizerJson.cpp core/tokenizer/Utf8.cpp
// fuzz-libs: libpcre2-8
// fuzz-seeds: tests/fuzz/seeds/bpe-tokenizer/*.json
#include "core/io/LoadError.h"
#include "core/tokenizer/TokenizeError.h"
#include "core/tokenizer/TokenizerJson.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    try {
        const auto tokenizer = kv::TokenizerJson::parse(json, "fuzz/tokenizer.json");
        for (const char* text : {"Hello world 1234 naïve café\n\t<|endoftext|><s> € 😀  ", ""}) {
            try {
                const std::vector<int> ids = tokenizer->encode(text);
                (void)tokenizer->decode(ids);
                for (const int id : ids)
                    (void)tokenizer->token(id);
            } catch (const kv::TokenizeError&) {
            }
        }
        if (tokenizer->size() > 0)
            (void)tokenizer->token(tokenizer->size() - 1);
    } catch (const kv::LoadError&) {
    }
    return 0;
}
