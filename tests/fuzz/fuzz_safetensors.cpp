// libFuzzer target for the safetensors reader: any bytes either parse into
// tensors whose data lies inside the file, or are a kv::LoadError. Anything
// else (a crash, another exception type, a sanitizer report) is a bug.
// fuzz-sources: core/io/SafetensorsFile.cpp core/io/LoadError.cpp
// fuzz-seeds: assets/models/*/model.safetensors
#include "core/io/LoadError.h"
#include "core/io/SafetensorsFile.h"

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const kv::SafetensorsFile file =
            kv::SafetensorsFile::parse(std::vector<char>(data, data + size), "fuzz.safetensors");
        (void)file;
    } catch (const kv::LoadError&) {
    }
    return 0;
}
