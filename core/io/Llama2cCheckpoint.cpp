#include "core/io/Llama2cCheckpoint.h"

#include "core/io/LoadError.h"
#include "core/util/NumberFormat.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>

namespace kv {

namespace {

// One run of float32 values in the file: a tensor, or one tensor per layer
// stored back to back (llama2.c writes wq of every layer, then wk of every
// layer, ...). `skipped` runs (the legacy freq_cis tables) are stepped over.
struct Block {
    std::string name; // the full name, or the part after "model.layers.N." per layer
    bool perLayer = false;
    std::vector<std::int64_t> shape;
    bool skipped = false;
};

std::vector<Block> fileLayout(const Llama2cHeader& h)
{
    const std::int64_t d = h.dim, hidden = h.hiddenDim, vocab = h.vocabSize, headSize = h.headSize();
    const std::int64_t qWidth = h.nHeads * headSize, kvWidth = h.nKvHeads * headSize;
    const Block embedding{"model.embed_tokens.weight", false, {vocab, d}};
    const Block attentionNorm{"input_layernorm.weight", true, {d}};
    const Block wq{"self_attn.q_proj.weight", true, {qWidth, d}};
    const Block wk{"self_attn.k_proj.weight", true, {kvWidth, d}};
    const Block wv{"self_attn.v_proj.weight", true, {kvWidth, d}};
    const Block wo{"self_attn.o_proj.weight", true, {d, qWidth}};
    const Block mlpNorm{"post_attention_layernorm.weight", true, {d}};
    const Block w1{"mlp.gate_proj.weight", true, {hidden, d}};
    const Block w2{"mlp.down_proj.weight", true, {d, hidden}};
    const Block w3{"mlp.up_proj.weight", true, {hidden, d}};
    const Block finalNorm{"model.norm.weight", false, {d}};
    const Block classifier{"lm_head.weight", false, {vocab, d}};
    std::vector<Block> blocks;
    if (h.version == 0) {
        // run.c's memory_map_weights order; the RoPE tables it no longer reads follow the final norm.
        const Block freqCis{"freq_cis", false, {h.seqLen, headSize / 2}, true};
        blocks = {embedding, attentionNorm, wq, wk, wv, wo, mlpNorm, w1, w2, w3, finalNorm, freqCis, freqCis};
    } else {
        // export.py's version1_export order: the norms first.
        blocks = {attentionNorm, mlpNorm, finalNorm, embedding, wq, wk, wv, wo, w1, w2, w3};
    }
    if (!h.sharedClassifier)
        blocks.push_back(classifier);
    return blocks;
}

std::optional<std::uint64_t> multiply(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t product = 0;
    if (__builtin_mul_overflow(a, b, &product))
        return std::nullopt;
    return product;
}

// The float32 values of `block` over all layers, or nothing on overflow.
std::optional<std::uint64_t> blockFloats(const Block& block, int layers)
{
    std::optional<std::uint64_t> count = block.perLayer ? static_cast<std::uint64_t>(layers) : 1;
    for (const std::int64_t extent : block.shape)
        count = count ? multiply(*count, static_cast<std::uint64_t>(extent)) : std::nullopt;
    return count;
}

std::int32_t readInt(std::span<const std::byte> bytes, std::size_t offset)
{
    std::int32_t value;
    std::memcpy(&value, bytes.data() + offset, sizeof(value));
    return value;
}

std::string byteCount(std::uint64_t count)
{
    return groupDigits(static_cast<std::int64_t>(std::min<std::uint64_t>(count, INT64_MAX)));
}

void checkPositive(const std::string& source, const char* field, std::int64_t value)
{
    if (value <= 0)
        throw LoadError(source, std::string("the header's ") + field + " is " + std::to_string(value)
                                    + "; it must be positive (not a llama2.c checkpoint, or a corrupt header?)");
}

} // namespace

Llama2cCheckpoint Llama2cCheckpoint::open(const std::string& path)
{
    std::shared_ptr<const MappedFile> file = MappedFile::open(path);
    Llama2cCheckpoint checkpoint = parse(file->bytes(), path);
    checkpoint.m_file = std::move(file);
    return checkpoint;
}

Llama2cCheckpoint Llama2cCheckpoint::parse(std::span<const std::byte> bytes, const std::string& source)
{
    if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(float) != 0)
        throw LoadError(source, "the bytes in memory are not aligned to 4 bytes, as float32 weights need");
    Llama2cCheckpoint checkpoint;
    checkpoint.m_source = source;
    checkpoint.m_fileBytes = bytes.size();
    checkpoint.m_header = readHeader(bytes, source);
    checkShapes(checkpoint.m_header, source);
    checkpoint.mapTensors(bytes);
    return checkpoint;
}

Llama2cHeader Llama2cCheckpoint::readHeader(std::span<const std::byte> bytes, const std::string& source)
{
    Llama2cHeader header;
    std::uint32_t magic = 0;
    if (bytes.size() >= sizeof(magic))
        std::memcpy(&magic, bytes.data(), sizeof(magic));
    header.bytes = magic == kMagic ? kVersionedHeaderBytes : kLegacyHeaderBytes;
    if (bytes.size() < header.bytes)
        throw LoadError(source, "the file is " + std::to_string(bytes.size()) + " bytes long, shorter than the "
                                    + std::to_string(header.bytes) + "-byte header of a llama2.c checkpoint");
    std::size_t fields = 0;
    if (magic == kMagic) {
        header.version = readInt(bytes, sizeof(magic));
        if (header.version == 2)
            throw LoadError(source, "version 2 (int8-quantized Q8_0 weights) is not supported: export the model "
                                    "with export.py --version 0 or 1 for float32 weights");
        if (header.version != 1)
            throw LoadError(source, "version " + std::to_string(header.version)
                                        + " is unknown: llama2.c checkpoints are version 0 (legacy), 1 (float32) or 2 (int8)");
        fields = 2 * sizeof(std::int32_t);
    }
    const auto field = [&](int i) { return readInt(bytes, fields + static_cast<std::size_t>(i) * sizeof(std::int32_t)); };
    header.dim = field(0);
    header.hiddenDim = field(1);
    header.nLayers = field(2);
    header.nHeads = field(3);
    header.nKvHeads = field(4);
    const std::int32_t vocab = field(5);
    header.seqLen = field(6);
    if (header.version == 0) {
        header.sharedClassifier = vocab > 0;
        header.vocabSize = vocab == INT_MIN ? 0 : (vocab < 0 ? -vocab : vocab);
        if (vocab == 0 || vocab == INT_MIN)
            throw LoadError(source, "the header's vocab_size is " + std::to_string(vocab)
                                        + "; it must be positive (shared classifier) or negative (unshared), and not 0");
    } else {
        header.vocabSize = vocab;
        const auto flag = static_cast<unsigned char>(bytes[fields + 7 * sizeof(std::int32_t)]);
        if (flag > 1)
            throw LoadError(source, "the shared-classifier flag is " + std::to_string(flag) + "; it must be 0 or 1");
        header.sharedClassifier = flag == 1;
    }
    return header;
}

void Llama2cCheckpoint::checkShapes(const Llama2cHeader& header, const std::string& source)
{
    checkPositive(source, "dim", header.dim);
    checkPositive(source, "hidden_dim", header.hiddenDim);
    checkPositive(source, "n_layers", header.nLayers);
    checkPositive(source, "n_heads", header.nHeads);
    checkPositive(source, "n_kv_heads", header.nKvHeads);
    checkPositive(source, "vocab_size", header.vocabSize);
    checkPositive(source, "seq_len", header.seqLen);
    if (header.dim % header.nHeads != 0)
        throw LoadError(source, std::to_string(header.nHeads) + " heads do not divide dim " + std::to_string(header.dim));
    if (header.nHeads % header.nKvHeads != 0)
        throw LoadError(source, std::to_string(header.nKvHeads) + " KV heads do not divide the "
                                    + std::to_string(header.nHeads) + " query heads");
    if (header.headSize() % 2 != 0)
        throw LoadError(source, "the head size " + std::to_string(header.headSize())
                                    + " (dim / n_heads) is odd; rotary embeddings rotate pairs of values");
}

void Llama2cCheckpoint::mapTensors(std::span<const std::byte> bytes)
{
    const std::vector<Block> blocks = fileLayout(m_header);
    std::optional<std::uint64_t> floats = 0;
    for (const Block& block : blocks) {
        const auto count = blockFloats(block, m_header.nLayers);
        floats = floats && count && *floats + *count >= *floats ? std::optional(*floats + *count) : std::nullopt;
    }
    const auto weightBytes = floats ? multiply(*floats, sizeof(float)) : std::nullopt;
    if (!weightBytes || *weightBytes > UINT64_MAX - m_header.bytes)
        throw LoadError(m_source, "the header's shapes (dim " + std::to_string(m_header.dim) + ", hidden_dim "
                                      + std::to_string(m_header.hiddenDim) + ", " + std::to_string(m_header.nLayers)
                                      + " layers, vocab " + std::to_string(m_header.vocabSize) + ", seq_len "
                                      + std::to_string(m_header.seqLen) + ") need more bytes than any file holds");
    const std::uint64_t expected = m_header.bytes + *weightBytes;
    if (expected != bytes.size())
        throw LoadError(m_source, "the header's shapes need " + byteCount(expected) + " bytes (a "
                                      + std::to_string(m_header.bytes) + "-byte header and " + byteCount(*floats)
                                      + " float32 values), but the file has " + byteCount(bytes.size()) + " bytes: "
                                      + (expected > bytes.size() ? "it is shorter than its header says (a truncated file?)"
                                                                 : "it is longer than its header says (another format?)"));
    const float* cursor = reinterpret_cast<const float*>(bytes.data() + m_header.bytes);
    for (const Block& block : blocks) {
        const auto perTensor = static_cast<std::size_t>(*blockFloats({block.name, false, block.shape}, 1));
        const int copies = block.perLayer ? m_header.nLayers : 1;
        for (int layer = 0; layer < copies; ++layer, cursor += perTensor) {
            if (block.skipped)
                continue;
            const std::string name = block.perLayer ? "model.layers." + std::to_string(layer) + "." + block.name : block.name;
            m_names.push_back(name);
            m_tensors[name] = Tensor{block.shape, std::span<const float>(cursor, perTensor)};
        }
    }
}

const Llama2cCheckpoint::Tensor& Llama2cCheckpoint::tensor(const std::string& name) const
{
    const auto found = m_tensors.find(name);
    if (found == m_tensors.end())
        throw LoadError(m_source, "tensor \"" + name + "\" is not in this llama2.c checkpoint");
    return found->second;
}

} // namespace kv
