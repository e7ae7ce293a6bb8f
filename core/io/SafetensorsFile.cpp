#include "core/io/SafetensorsFile.h"

#include "core/io/LoadError.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>

namespace kv {

namespace {

constexpr std::size_t kLengthFieldBytes = 8;

// Element sizes of the dtypes the format defines. Anything else is rejected.
int dtypeSize(const std::string& dtype)
{
    static const std::map<std::string, int> sizes = {
        {"F64", 8}, {"F32", 4},  {"F16", 2},     {"BF16", 2},    {"I64", 8}, {"I32", 4}, {"I16", 2},
        {"I8", 1},  {"U64", 8},  {"U32", 4},     {"U16", 2},     {"U8", 1},  {"BOOL", 1},
        {"F8_E4M3", 1}, {"F8_E5M2", 1},
    };
    auto found = sizes.find(dtype);
    return found == sizes.end() ? 0 : found->second;
}

std::uint64_t readLittleEndian64(const char* bytes)
{
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
        value = (value << 8) | static_cast<unsigned char>(bytes[i]);
    return value;
}

void writeLittleEndian64(std::ostream& out, std::uint64_t value)
{
    for (int i = 0; i < 8; ++i)
        out.put(static_cast<char>((value >> (8 * i)) & 0xff));
}

SafetensorsFile::TensorInfo parseEntry(const std::string& name, const nlohmann::json& entry,
                                       const std::string& source)
{
    auto fail = [&](const std::string& problem) { throw LoadError(source, "tensor \"" + name + "\": " + problem); };
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets"))
        fail("header entry must have dtype, shape and data_offsets");
    SafetensorsFile::TensorInfo info;
    if (!entry["dtype"].is_string())
        fail("dtype must be a string");
    info.dtype = entry["dtype"].get<std::string>();
    if (dtypeSize(info.dtype) == 0)
        fail("unknown dtype \"" + info.dtype + "\"");
    if (!entry["shape"].is_array())
        fail("shape must be an array");
    for (const auto& dim : entry["shape"]) {
        if (!dim.is_number_unsigned())
            fail("shape must hold non-negative integers");
        info.shape.push_back(dim.get<std::int64_t>());
    }
    const auto& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
        fail("data_offsets must be two non-negative integers");
    info.begin = offsets[0].get<std::size_t>();
    info.end = offsets[1].get<std::size_t>();
    if (info.end < info.begin)
        fail("data_offsets end before they begin");
    const auto expectedBytes = static_cast<std::size_t>(info.elementCount()) * dtypeSize(info.dtype);
    if (info.end - info.begin != expectedBytes)
        fail("data_offsets cover " + std::to_string(info.end - info.begin) + " bytes but the shape needs "
             + std::to_string(expectedBytes));
    return info;
}

} // namespace

std::int64_t SafetensorsFile::TensorInfo::elementCount() const
{
    std::int64_t count = 1;
    for (auto dim : shape)
        count *= dim;
    return count;
}

SafetensorsFile SafetensorsFile::read(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw LoadError(path, "cannot open file");
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse(std::move(bytes), path);
}

SafetensorsFile SafetensorsFile::parse(std::vector<char> bytes, const std::string& source)
{
    SafetensorsFile file;
    file.m_source = source;
    file.m_bytes = std::move(bytes);
    const std::size_t size = file.m_bytes.size();
    if (size < kLengthFieldBytes)
        throw LoadError(source, "truncated: " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
    const std::uint64_t headerLength = readLittleEndian64(file.m_bytes.data());
    if (headerLength > size - kLengthFieldBytes)
        throw LoadError(source, "header length " + std::to_string(headerLength) + " exceeds the "
                                    + std::to_string(size - kLengthFieldBytes) + " bytes after it (truncated or corrupt file)");
    file.parseHeader(static_cast<std::size_t>(headerLength));
    file.m_dataStart = kLengthFieldBytes + static_cast<std::size_t>(headerLength);
    file.checkRanges(size - file.m_dataStart);
    return file;
}

void SafetensorsFile::parseHeader(std::size_t headerLength)
{
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(m_bytes.begin() + kLengthFieldBytes,
                                       m_bytes.begin() + kLengthFieldBytes + static_cast<std::ptrdiff_t>(headerLength));
    } catch (const nlohmann::json::parse_error& error) {
        const std::string_view text(m_bytes.data() + kLengthFieldBytes, headerLength);
        throw LoadError::invalidJson(m_source, "the header", text, error.byte);
    } catch (const nlohmann::json::out_of_range&) { // e.g. 1e999: found by fuzz_safetensors
        throw LoadError(m_source, "the header holds a number too large to read");
    }
    if (!header.is_object())
        throw LoadError(m_source, "header must be a JSON object");
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__")
            continue;
        m_tensors.emplace(name, parseEntry(name, entry, m_source));
    }
}

void SafetensorsFile::checkRanges(std::size_t dataSize) const
{
    std::vector<std::pair<const std::string*, const TensorInfo*>> byOffset;
    for (const auto& [name, info] : m_tensors) {
        if (info.end > dataSize)
            throw LoadError(m_source, "the file is truncated or damaged: tensor \"" + name + "\" needs bytes "
                                          + std::to_string(info.begin) + " to " + std::to_string(info.end)
                                          + " of the data section, which holds only " + std::to_string(dataSize));
        byOffset.emplace_back(&name, &info);
    }
    std::sort(byOffset.begin(), byOffset.end(),
              [](const auto& a, const auto& b) { return a.second->begin < b.second->begin; });
    for (std::size_t i = 1; i < byOffset.size(); ++i) {
        const auto& previous = byOffset[i - 1];
        const auto& current = byOffset[i];
        if (current.second->begin < previous.second->end && current.second->end > current.second->begin)
            throw LoadError(m_source, "tensors \"" + *previous.first + "\" and \"" + *current.first + "\" overlap");
    }
}

std::vector<std::string> SafetensorsFile::names() const
{
    std::vector<std::string> result;
    for (const auto& entry : m_tensors)
        result.push_back(entry.first);
    return result;
}

const SafetensorsFile::TensorInfo& SafetensorsFile::info(const std::string& name) const
{
    auto found = m_tensors.find(name);
    if (found == m_tensors.end())
        throw LoadError(m_source, "missing tensor \"" + name + "\"");
    return found->second;
}

std::vector<float> SafetensorsFile::floats(const std::string& name) const
{
    const TensorInfo& tensor = info(name);
    if (tensor.dtype != "F32")
        throw LoadError(m_source, "tensor \"" + name + "\" has dtype " + tensor.dtype + "; only F32 is supported");
    std::vector<float> values(static_cast<std::size_t>(tensor.elementCount()));
    // Copy rather than map: the data section need not be 4-byte aligned.
    std::memcpy(values.data(), m_bytes.data() + m_dataStart + tensor.begin, tensor.end - tensor.begin);
    return values;
}

void SafetensorsFile::write(const std::string& path, const std::map<std::string, FloatTensor>& tensors)
{
    nlohmann::json header = nlohmann::json::object();
    std::size_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        const std::size_t bytes = tensor.second.size() * sizeof(float);
        header[name] = {{"dtype", "F32"}, {"shape", tensor.first}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string headerText = header.dump();
    while ((kLengthFieldBytes + headerText.size()) % 8 != 0)
        headerText.push_back(' ');

    std::ofstream out(path, std::ios::binary);
    if (!out)
        throw LoadError(path, "cannot create file");
    writeLittleEndian64(out, headerText.size());
    out.write(headerText.data(), static_cast<std::streamsize>(headerText.size()));
    for (const auto& entry : tensors)
        out.write(reinterpret_cast<const char*>(entry.second.second.data()),
                  static_cast<std::streamsize>(entry.second.second.size() * sizeof(float)));
    if (!out)
        throw LoadError(path, "write failed");
}

} // namespace kv
