// libFuzzer target for the sharded safetensors index: any bytes, written as
// model.safetensors.index.json beside two small shards, either read as a
// checkpoint whose every tensor comes from one of those shards, or are a
// kv::LoadError. Anything else (a crash, another exception type, a sanitizer
// report, a file opened outside the index's folder) is a bug.
// fuzz-sources: core/io/SafetensorsFile.cpp core/io/MappedFile.cpp core/io/LoadError.cpp core/io/HalfFloat.cpp core/io/JsonKind.cpp
// fuzz-seeds: tests/fuzz/seeds/safetensors-index/*.json
#include "core/io/LoadError.h"
#include "core/io/SafetensorsFile.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

std::filesystem::path g_folder;

// Two shards, as the seeds' weight_maps name them.
void writeShards()
{
    g_folder = std::filesystem::temp_directory_path() / ("kvlab-fuzz-index-" + std::to_string(getpid()));
    std::filesystem::create_directories(g_folder);
    kv::SafetensorsFile::write((g_folder / "model-00001-of-00002.safetensors").string(),
                               {{"a", {{2}, {1.0f, 2.0f}}}, {"b", {{1}, {3.0f}}}});
    kv::SafetensorsFile::write((g_folder / "model-00002-of-00002.safetensors").string(), {{"c", {{3}, {4.0f, 5.0f, 6.0f}}}});
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    writeShards();
    std::atexit([] { std::filesystem::remove_all(g_folder); });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string index = (g_folder / "model.safetensors.index.json").string();
    std::ofstream(index, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                   static_cast<std::streamsize>(size));
    try {
        const kv::SafetensorsFile checkpoint = kv::SafetensorsFile::readSharded(index);
        for (const std::string& name : checkpoint.names()) {
            if (std::filesystem::path(checkpoint.sourceOf(name)).parent_path() != g_folder)
                __builtin_trap();
            if (checkpoint.floats(name).size() != static_cast<std::size_t>(checkpoint.info(name).elementCount()))
                __builtin_trap();
        }
    } catch (const kv::LoadError&) {
    }
    return 0;
}
