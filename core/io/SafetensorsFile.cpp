#include "core/io/SafetensorsFile.h"

#include "core/io/HalfFloat.h"
#include "core/io/JsonKind.h"
#include "core/io/LoadError.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>

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

std::uint16_t readLittleEndian16(const char* bytes)
{
    return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[0])
                                      | (static_cast<unsigned char>(bytes[1]) << 8));
}

void writeLittleEndian64(std::ostream& out, std::uint64_t value)
{
    for (int i = 0; i < 8; ++i)
        out.put(static_cast<char>((value >> (8 * i)) & 0xff));
}

// The byte count of `shape` x `elementSize`, or nothing when it does not fit
// a size_t (a hostile header: [4294967296, 4294967296]).
std::optional<std::size_t> byteCount(const std::vector<std::int64_t>& shape, int elementSize)
{
    if (std::find(shape.begin(), shape.end(), 0) != shape.end())
        return 0;
    std::size_t bytes = static_cast<std::size_t>(elementSize);
    for (std::int64_t dim : shape)
        if (__builtin_mul_overflow(bytes, static_cast<std::size_t>(dim), &bytes))
            return std::nullopt;
    return bytes;
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
        if (dim.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            fail("shape dimension " + dim.dump() + " is too large");
        info.shape.push_back(dim.get<std::int64_t>());
    }
    const auto& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
        fail("data_offsets must be two non-negative integers");
    info.begin = offsets[0].get<std::size_t>();
    info.end = offsets[1].get<std::size_t>();
    if (info.end < info.begin)
        fail("data_offsets end before they begin");
    const std::optional<std::size_t> expectedBytes = byteCount(info.shape, dtypeSize(info.dtype));
    if (!expectedBytes)
        fail("the shape holds more elements than any file can");
    if (info.end - info.begin != *expectedBytes)
        fail("data_offsets cover " + std::to_string(info.end - info.begin) + " bytes but the shape needs "
             + std::to_string(*expectedBytes));
    return info;
}

std::vector<char> readBytes(const std::string& path)
{
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        throw LoadError(path, "is a folder, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw LoadError(path, "cannot open file");
    try {
        return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    } catch (const std::bad_alloc&) {
        throw LoadError(path, "the file is too large to load into memory");
    } catch (const std::length_error&) {
        throw LoadError(path, "the file is too large to load into memory");
    }
}

nlohmann::json parseJson(const std::string& text, const std::string& source, std::string_view what)
{
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        throw LoadError::invalidJson(source, what, text, error.byte);
    } catch (const nlohmann::json::out_of_range&) { // e.g. 1e999
        throw LoadError(source, std::string(what) + " holds a number too large to read");
    }
}

// The shard file a weight_map entry names: a plain name in the index's folder.
std::string shardName(const std::string& tensor, const nlohmann::json& value, const std::string& indexPath)
{
    auto fail = [&](const std::string& problem) {
        throw LoadError(indexPath, "weight_map entry of tensor \"" + tensor + "\": " + problem);
    };
    if (!value.is_string())
        fail("must be a file name, not " + describeJsonValue(value));
    const std::string name = value.get<std::string>();
    if (name.empty() || name == "." || name == ".." || name.find_first_of("/\\") != std::string::npos)
        fail("\"" + name + "\" must name a file beside the index");
    return name;
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
    if (path.ends_with(".index.json"))
        return readSharded(path);
    return readSingle(path);
}

std::span<const char> SafetensorsFile::Shard::bytes() const
{
    if (!mapped)
        return owned;
    return {reinterpret_cast<const char*>(mapped->bytes().data()), mapped->bytes().size()};
}

SafetensorsFile SafetensorsFile::readSingle(const std::string& path)
{
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        throw LoadError(path, "is a folder, not a file");
    std::shared_ptr<const MappedFile> mapped;
    try {
        mapped = MappedFile::open(path);
    } catch (const LoadError&) {
        throw LoadError(path, "cannot open file");
    }
    return fromShard(Shard{path, {}, std::move(mapped)});
}

SafetensorsFile SafetensorsFile::parse(std::vector<char> bytes, const std::string& source)
{
    return fromShard(Shard{source, std::move(bytes), nullptr});
}

SafetensorsFile SafetensorsFile::fromShard(Shard loaded)
{
    SafetensorsFile file;
    const std::string source = loaded.source;
    file.m_source = source;
    file.m_shards.push_back(std::move(loaded));
    Shard& shard = file.m_shards.front();
    const std::size_t size = shard.bytes().size();
    if (size < kLengthFieldBytes)
        throw LoadError(source, "truncated: " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
    const std::uint64_t headerLength = readLittleEndian64(shard.bytes().data());
    if (headerLength > kMaxHeaderBytes)
        throw LoadError(source, "header length " + std::to_string(headerLength) + " exceeds the "
                                    + std::to_string(kMaxHeaderBytes) + " bytes safetensors allows (a corrupt file?)");
    if (headerLength > size - kLengthFieldBytes)
        throw LoadError(source, "header length " + std::to_string(headerLength) + " exceeds the "
                                    + std::to_string(size - kLengthFieldBytes) + " bytes after it (truncated or corrupt file)");
    file.parseHeader(static_cast<std::size_t>(headerLength));
    shard.dataStart = kLengthFieldBytes + static_cast<std::size_t>(headerLength);
    file.checkRanges(size - shard.dataStart);
    return file;
}

std::map<std::string, SafetensorsFile::TensorInfo> SafetensorsFile::readHeader(const std::string& path)
{
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    std::ifstream in(path, std::ios::binary);
    if (error || !in)
        throw LoadError(path, "cannot open file");
    std::vector<char> head(kLengthFieldBytes);
    if (size < kLengthFieldBytes || !in.read(head.data(), kLengthFieldBytes))
        throw LoadError(path, "truncated: " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
    const std::uint64_t headerLength = readLittleEndian64(head.data());
    if (headerLength > kMaxHeaderBytes || headerLength > size - kLengthFieldBytes)
        throw LoadError(path, "header length " + std::to_string(headerLength) + " is beyond the file's "
                                  + std::to_string(size) + " bytes or the 100 MB safetensors allows");
    head.resize(kLengthFieldBytes + static_cast<std::size_t>(headerLength));
    if (!in.read(head.data() + kLengthFieldBytes, static_cast<std::streamsize>(headerLength)))
        throw LoadError(path, "the header cannot be read");
    SafetensorsFile file;
    file.m_source = path;
    file.m_shards.push_back(Shard{path, std::move(head), nullptr});
    file.parseHeader(static_cast<std::size_t>(headerLength));
    file.checkRanges(static_cast<std::size_t>(size - kLengthFieldBytes - headerLength));
    return file.m_tensors;
}

SafetensorsFile SafetensorsFile::readSharded(const std::string& indexPath)
{
    const std::vector<char> bytes = readBytes(indexPath);
    const nlohmann::json index = parseJson(std::string(bytes.begin(), bytes.end()), indexPath, "the index");
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
        throw LoadError(indexPath, "the index must be a JSON object with a \"weight_map\" object");
    const std::filesystem::path folder = std::filesystem::path(indexPath).parent_path();

    SafetensorsFile checkpoint;
    checkpoint.m_source = indexPath;
    std::map<std::string, std::pair<std::size_t, SafetensorsFile>> shards; // by file name: index, contents
    for (const auto& [tensor, value] : index["weight_map"].items()) {
        const std::string name = shardName(tensor, value, indexPath);
        auto found = shards.find(name);
        if (found == shards.end())
            found = shards.emplace(name, std::pair{shards.size(), readSingle((folder / name).string())}).first;
        const SafetensorsFile& shard = found->second.second;
        if (!shard.contains(tensor))
            throw LoadError(shard.source(), "missing tensor \"" + tensor + "\", which " + indexPath + " places in it");
        TensorInfo info = shard.info(tensor);
        info.shard = found->second.first;
        checkpoint.m_tensors.emplace(tensor, std::move(info));
    }
    checkpoint.m_shards.resize(shards.size());
    for (auto& [name, shard] : shards)
        checkpoint.m_shards[shard.first] = std::move(shard.second.m_shards.front());
    return checkpoint;
}

void SafetensorsFile::parseHeader(std::size_t headerLength)
{
    const std::span<const char> bytes = m_shards.front().bytes();
    const std::string text(bytes.data() + kLengthFieldBytes, headerLength);
    const nlohmann::json header = parseJson(text, m_source, "the header");
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

const std::string& SafetensorsFile::sourceOf(const std::string& name) const
{
    return m_shards[info(name).shard].source;
}

const char* SafetensorsFile::data(const TensorInfo& tensor) const
{
    const Shard& shard = m_shards[tensor.shard];
    return shard.bytes().data() + shard.dataStart + tensor.begin;
}

void SafetensorsFile::release(const std::string& name) const
{
    const TensorInfo& tensor = info(name);
    const Shard& shard = m_shards[tensor.shard];
    if (shard.mapped)
        shard.mapped->release(std::as_bytes(std::span<const char>(data(tensor), tensor.end - tensor.begin)));
}

std::optional<std::span<const float>> SafetensorsFile::inPlace(const std::string& name) const
{
    const TensorInfo& tensor = info(name);
    const char* bytes = data(tensor);
    if (tensor.dtype != "F32" || reinterpret_cast<std::uintptr_t>(bytes) % alignof(float) != 0)
        return std::nullopt;
    return std::span<const float>(reinterpret_cast<const float*>(bytes), static_cast<std::size_t>(tensor.elementCount()));
}

std::shared_ptr<const MappedFile> SafetensorsFile::mappedFile(const std::string& name) const
{
    return m_shards[info(name).shard].mapped;
}

std::vector<float> SafetensorsFile::floats(const std::string& name) const
{
    std::vector<float> values(static_cast<std::size_t>(info(name).elementCount()));
    readFloats(name, 0, values);
    return values;
}

void SafetensorsFile::readFloats(const std::string& name, std::size_t first, std::span<float> out) const
{
    const TensorInfo& tensor = info(name);
    assert(first <= static_cast<std::size_t>(tensor.elementCount())
           && out.size() <= static_cast<std::size_t>(tensor.elementCount()) - first);
    const char* bytes = data(tensor);
    if (tensor.dtype == "F32") {
        // Copy rather than map: the data section need not be 4-byte aligned.
        std::memcpy(out.data(), bytes + first * sizeof(float), out.size() * sizeof(float));
    } else if (tensor.dtype == "F16") {
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = halfToFloat(readLittleEndian16(bytes + 2 * (first + i)));
    } else if (tensor.dtype == "BF16") {
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = bfloat16ToFloat(readLittleEndian16(bytes + 2 * (first + i)));
    } else {
        throw LoadError(sourceOf(name), "tensor \"" + name + "\" has dtype " + tensor.dtype
                                            + "; supported: F32, F16 and BF16 (read as float32)");
    }
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
