#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace kvtest {

// One tensor as a safetensors file stores it: any dtype name, any bytes (so a
// test can write BF16, F16 or a damaged tensor that SafetensorsFile::write
// would not).
struct RawTensor {
    std::string dtype;
    std::vector<std::int64_t> shape;
    std::string bytes;
};

// A safetensors file of these tensors, in name order, its header padded to 8 bytes.
inline void writeRawSafetensors(const std::string& path, const std::map<std::string, RawTensor>& tensors)
{
    nlohmann::json header = nlohmann::json::object();
    std::string data;
    for (const auto& [name, raw] : tensors) {
        header[name] = {{"dtype", raw.dtype}, {"shape", raw.shape}, {"data_offsets", {data.size(), data.size() + raw.bytes.size()}}};
        data += raw.bytes;
    }
    std::string text = header.dump();
    while (text.size() % 8)
        text += ' ';
    std::ofstream out(path, std::ios::binary);
    const std::uint64_t length = text.size();
    out.write(reinterpret_cast<const char*>(&length), 8);
    out << text << data;
}

} // namespace kvtest
