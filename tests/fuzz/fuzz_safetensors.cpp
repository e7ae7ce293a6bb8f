// libFuzzer target for the safetensors reader: any bytes either parse into
// tensors whose data lies inside the file, or are a kv::LoadError. Anything
// else (a crash, another exception type, a sanitizer report) is a bug.
// fuzz-sources: core/io/SafetensorsFile.cpp core/io/MappedFile.cpp core/io/LoadError.cpp core/io/HalfFloat.cpp core/io/JsonKind.cpp
// fuzz-seeds: assets/models/*/model.safetensors
#include "core/io/LoadError.h"
#include "core/io/SafetensorsFile.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const kv::SafetensorsFile file =
            kv::SafetensorsFile::parse(std::vector<char>(data, data + size), "fuzz.safetensors");
        // Every tensor reads as float32 (F32, F16, BF16) or is refused by its
        // dtype; read in two pieces (as a loader reads a large one), it is the same.
        for (const std::string& name : file.names()) {
            try {
                const std::vector<float> whole = file.floats(name);
                if (whole.size() != static_cast<std::size_t>(file.info(name).elementCount()))
                    __builtin_trap();
                std::vector<float> pieces(whole.size());
                const std::size_t half = whole.size() / 2;
                file.readFloats(name, 0, std::span<float>(pieces).first(half));
                file.readFloats(name, half, std::span<float>(pieces).subspan(half));
                if (std::memcmp(pieces.data(), whole.data(), whole.size() * sizeof(float)) != 0)
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
