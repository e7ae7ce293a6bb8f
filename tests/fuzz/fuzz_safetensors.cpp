// libFuzzer target for the safetensors reader: any bytes either parse into
// tensors whose data lies inside the file, or are a kv::LoadError. Anything
// else (a crash, another exception type, a sanitizer report) is a bug.
// fuzz-sources: core/io/SafetensorsFile.cpp core/io/MappedFile.cpp core/io/LoadError.cpp core/io/HalfFloat.cpp core/io/JsonKind.cpp
// fuzz-seeds: assets/models/*/model.safetensors
#include "core/io/LoadError.h"
#include "core/io/SafetensorsFile.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const kv::SafetensorsFile file =
            kv::SafetensorsFile::parse(std::vector<char>(data, data + size), "fuzz.safetensors");
        // Every tensor reads as float32 (F32, F16, BF16) or is refused by its dtype.
        for (const std::string& name : file.names()) {
            try {
                if (file.floats(name).size() != static_cast<std::size_t>(file.info(name).elementCount()))
                    __builtin_trap();
            } catch (const kv::LoadError&) {
                const std::string& dtype = file.info(name).dtype;
                if (dtype == "F32" || dtype == "F16" || dtype == "BF16")
                    __builtin_trap();
            }
        }
    } catch (const kv::LoadError&) {
    }
    return 0;
}
