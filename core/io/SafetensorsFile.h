#pragma once

#include "core/io/MappedFile.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kv {

// A parsed safetensors checkpoint: one file (an 8-byte little-endian header
// length, a JSON header naming each tensor's dtype, shape and byte range, then
// raw little-endian data), or the shards a model.safetensors.index.json names.
// The header is held to what the format promises: at most kMaxHeaderBytes,
// begin <= end, every range inside the data, no two ranges overlapping, and
// shape product x dtype size == the range's length. Every problem is a
// LoadError naming the file (and the tensor, where there is one).
// Files are memory-mapped (MappedFile), never read into memory: an F32
// tensor can be read where it lies (inPlace) as long as the object lives.
class SafetensorsFile {
public:
    struct TensorInfo {
        std::string dtype;
        std::vector<std::int64_t> shape;
        std::size_t begin = 0; // byte offsets into the data section
        std::size_t end = 0;
        std::size_t shard = 0; // which file holds it (0 for a single file)
        std::int64_t elementCount() const;
    };

    // The largest header safetensors allows (100 MB).
    static constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

    // A .safetensors file, or a sharded checkpoint by its index (a name ending
    // in ".index.json"), mapped into memory.
    static SafetensorsFile read(const std::string& path);
    static SafetensorsFile parse(std::vector<char> bytes, const std::string& source);
    // model.safetensors.index.json: its "weight_map" names, per tensor, the
    // shard (a file beside the index) that holds it.
    static SafetensorsFile readSharded(const std::string& indexPath);
    // The tensors a single .safetensors file lists, reading only its length
    // field and header (never the tensor data), held to the same promises.
    static std::map<std::string, TensorInfo> readHeader(const std::string& path);

    // Writes F32 tensors in name order. Used by the tests to build files.
    using FloatTensor = std::pair<std::vector<std::int64_t>, std::vector<float>>;
    static void write(const std::string& path, const std::map<std::string, FloatTensor>& tensors);

    // The file read (the index, for a sharded checkpoint).
    const std::string& source() const { return m_source; }
    // The file holding tensor `name`.
    const std::string& sourceOf(const std::string& name) const;
    std::size_t shardCount() const { return m_shards.size(); }
    bool contains(const std::string& name) const { return m_tensors.count(name) > 0; }
    std::vector<std::string> names() const;
    const TensorInfo& info(const std::string& name) const;
    // The tensor's values as float32: F32 as stored, F16 and BF16 widened
    // exactly. Throws if it is missing or of another dtype.
    std::vector<float> floats(const std::string& name) const;
    // The same for elements [first, first + out.size()) only, into `out` (a
    // large tensor read in pieces). The range must lie inside the tensor.
    void readFloats(const std::string& name, std::size_t first, std::span<float> out) const;
    // An F32 tensor's values where they lie in the file, without a copy;
    // nothing for another dtype or data not aligned to 4 bytes (read floats()).
    std::optional<std::span<const float>> inPlace(const std::string& name) const;
    // The mapped file holding the tensor, which keeps inPlace()'s values valid
    // for as long as it is held; null when the bytes were given (parse()).
    std::shared_ptr<const MappedFile> mappedFile(const std::string& name) const;
    // Lets the tensor's mapped pages go from memory once it has been copied
    // out (MappedFile::release); its values stay readable, from the file.
    void release(const std::string& name) const;

private:
    struct Shard {
        std::string source;
        std::vector<char> owned;                  // parse()'s bytes, or readHeader()'s header alone
        std::shared_ptr<const MappedFile> mapped; // read()'s file
        std::size_t dataStart = 0;
        std::span<const char> bytes() const;
    };

    static SafetensorsFile readSingle(const std::string& path);
    static SafetensorsFile fromShard(Shard shard);
    void parseHeader(std::size_t headerLength);
    void checkRanges(std::size_t dataSize) const;
    const char* data(const TensorInfo& tensor) const;

    std::string m_source;
    std::vector<Shard> m_shards;
    std::map<std::string, TensorInfo> m_tensors;
};

} // namespace kv
