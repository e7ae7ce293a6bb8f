#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kv {

// A parsed safetensors file: an 8-byte little-endian header length, a JSON
// header naming each tensor's dtype, shape and byte range, then raw
// little-endian data. Every structural problem is reported as a LoadError
// naming the file (and the tensor, where there is one).
class SafetensorsFile {
public:
    struct TensorInfo {
        std::string dtype;
        std::vector<std::int64_t> shape;
        std::size_t begin = 0; // byte offsets into the data section
        std::size_t end = 0;
        std::int64_t elementCount() const;
    };

    static SafetensorsFile read(const std::string& path);
    static SafetensorsFile parse(std::vector<char> bytes, const std::string& source);

    // Writes F32 tensors in name order. Used by the tests to build files.
    using FloatTensor = std::pair<std::vector<std::int64_t>, std::vector<float>>;
    static void write(const std::string& path, const std::map<std::string, FloatTensor>& tensors);

    const std::string& source() const { return m_source; }
    bool contains(const std::string& name) const { return m_tensors.count(name) > 0; }
    std::vector<std::string> names() const;
    const TensorInfo& info(const std::string& name) const;
    // The tensor's values; throws if it is missing or not F32.
    std::vector<float> floats(const std::string& name) const;

private:
    void parseHeader(std::size_t headerLength);
    void checkRanges(std::size_t dataSize) const;

    std::string m_source;
    std::vector<char> m_bytes;
    std::size_t m_dataStart = 0;
    std::map<std::string, TensorInfo> m_tensors;
};

} // namespace kv
