#pragma once

#include "core/io/Llama2cHeader.h"
#include "core/io/MappedFile.h"

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kv {

// A llama2.c .bin checkpoint read in place: the header's numbers and every
// weight as a named view into the memory-mapped file, in Hugging Face Llama
// naming (model.embed_tokens.weight [V, d], model.layers.N.self_attn.q_proj.weight
// [out, in], mlp.gate_proj = w1, mlp.down_proj = w2, mlp.up_proj = w3,
// model.norm.weight, lm_head.weight when the classifier is not shared).
// Nothing here is a model yet: the format that builds one reads the spans.
//
// llama2.c's models rotate interleaved pairs (2i, 2i+1) with theta 10000 and
// normalise with eps 1e-5; the file stores neither.
class Llama2cCheckpoint {
public:
    static constexpr std::uint32_t kMagic = 0x616b3432; // "ak42"
    static constexpr std::size_t kLegacyHeaderBytes = 7 * sizeof(std::int32_t);
    static constexpr std::size_t kVersionedHeaderBytes = 256;
    static constexpr float kNormEps = 1e-5f;
    static constexpr float kRopeTheta = 10000.0f;

    struct Tensor {
        std::vector<std::int64_t> shape;
        std::span<const float> values; // row-major, shape's product long
    };

    // Maps the file. Throws LoadError naming the file and the problem: a
    // header out of range, an unsupported version, or a size other than the
    // header's shapes need.
    static Llama2cCheckpoint open(const std::string& path);
    // Reads checkpoint bytes the caller keeps alive (4-byte aligned).
    static Llama2cCheckpoint parse(std::span<const std::byte> bytes, const std::string& source);

    const std::string& source() const { return m_source; }
    const Llama2cHeader& header() const { return m_header; }
    std::size_t fileBytes() const { return m_fileBytes; }
    // The mapped file the tensors lie in, which keeps them valid while held
    // (null after parse(): the caller's bytes).
    const std::shared_ptr<const MappedFile>& mappedFile() const { return m_file; }

    // Tensor names in file order.
    const std::vector<std::string>& names() const { return m_names; }
    bool contains(const std::string& name) const { return m_tensors.count(name) > 0; }
    // Throws LoadError naming the file and the tensor when it is absent.
    const Tensor& tensor(const std::string& name) const;

private:
    static Llama2cHeader readHeader(std::span<const std::byte> bytes, const std::string& source);
    static void checkShapes(const Llama2cHeader& header, const std::string& source);
    void mapTensors(std::span<const std::byte> bytes);

    std::shared_ptr<const MappedFile> m_file; // keeps the views valid; null after parse()
    std::string m_source;
    Llama2cHeader m_header;
    std::size_t m_fileBytes = 0;
    std::vector<std::string> m_names;
    std::map<std::string, Tensor> m_tensors;
};

} // namespace kv
