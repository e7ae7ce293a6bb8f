// libFuzzer target for the llama2.c .bin checkpoint reader: any bytes either
// read as a header and named tensors whose views lie inside the bytes, each
// exactly as long as its shape, or are a kv::LoadError. Anything else (a
// crash, another exception type, a sanitizer report) is a bug.
// fuzz-sources: core/io/Llama2cCheckpoint.cpp core/io/MappedFile.cpp core/io/LoadError.cpp core/util/NumberFormat.cpp
// fuzz-seeds: tests/fuzz/seeds/llama2c-bin/*.bin
#include "core/io/Llama2cCheckpoint.h"
#include "core/io/LoadError.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace {

void check(bool condition)
{
    if (!condition)
        __builtin_trap();
}

void checkTensors(const kv::Llama2cCheckpoint& checkpoint, std::span<const std::byte> bytes)
{
    const auto* begin = reinterpret_cast<const float*>(bytes.data());
    const auto* end = reinterpret_cast<const float*>(bytes.data() + bytes.size());
    float sum = 0;
    for (const std::string& name : checkpoint.names()) {
        const kv::Llama2cCheckpoint::Tensor& tensor = checkpoint.tensor(name);
        std::int64_t count = 1;
        for (const std::int64_t extent : tensor.shape)
            count *= extent;
        check(count == static_cast<std::int64_t>(tensor.values.size()) && count > 0);
        check(tensor.values.data() >= begin && tensor.values.data() + tensor.values.size() <= end);
        // Touch both ends, so that AddressSanitizer sees any view past the input.
        sum += tensor.values.front() + tensor.values.back();
    }
    const kv::Llama2cHeader& header = checkpoint.header();
    check(header.dim % header.nHeads == 0 && header.nHeads % header.nKvHeads == 0 && header.vocabSize > 0);
    check(checkpoint.contains("lm_head.weight") != header.sharedClassifier);
    volatile float sink = sum;
    (void)sink;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    try {
        checkTensors(kv::Llama2cCheckpoint::parse(bytes, "fuzz.bin"), bytes);
    } catch (const kv::LoadError&) {
    }
    return 0;
}
