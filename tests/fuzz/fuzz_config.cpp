// libFuzzer target for the config.json reader: any bytes either give a
// ModelConfig that passed validate(), or a kv::LoadError naming the file.
// Anything else (a crash, nlohmann's own exception, a sanitizer report) is a bug.
// fuzz-sources: core/model/ModelConfig.cpp core/io/LoadError.cpp core/io/JsonKind.cpp core/io/ConfigKeys.cpp core/model/FamilyDefaults.cpp
// fuzz-seeds: assets/models/*/config.json
#include "core/io/LoadError.h"
#include "core/model/ModelConfig.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const kv::ModelConfig config = kv::ModelConfig::fromJsonText(text, "fuzz/config.json");
        // What validate() promised holds.
        if (config.nHead < 1 || config.nKvHead < 1 || config.nHead % config.nKvHead != 0 || config.headDim() < 1)
            __builtin_trap();
    } catch (const kv::LoadError& error) {
        if (error.file() != "fuzz/config.json")
            __builtin_trap();
    }
    return 0;
}
