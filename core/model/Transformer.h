#pragma once

#include "core/model/ForwardObserver.h"
#include "core/model/ForwardResult.h"
#include "core/model/ForwardScratch.h"
#include "core/cache/KeyValueCache.h"
#include "core/model/ModelConfig.h"
#include "core/model/ModelWeights.h"
#include "core/model/WeightMemory.h"
#include "core/tensor/PackedMatrix.h"
#include "core/tensor/RotaryTable.h"
#include "core/tensor/TensorOps.h"

#include <span>

namespace kv {

// A decoder-only transformer over fixed weights, its blocks chosen by the
// config (ModelConfig.h): LayerNorm or RMSNorm, learned or rotary positions,
// a GELU or SwiGLU MLP, biases or not, a tied or separate classifier, any
// number of KV heads. forward() is the only entry point and serves both
// decode paths:
//  - without a cache, pass every token of the sequence at positions 0..n-1;
//    keys and values come from this pass alone;
//  - with a cache, pass only the new token(s); their keys and values are
//    appended to the cache and the queries attend over everything it holds.
class Transformer {
public:
    Transformer(ModelConfig config, ModelWeights weights);

    const ModelConfig& config() const { return m_config; }
    // The weights as given, but for a packed model (kernel() Blas on a build
    // with AVX2/FMA): its layers' projection matrices live only in the packed
    // form the products read (a copy, or the mapped file read in place), and
    // are empty here.
    const ModelWeights& weights() const { return m_weights; }
    // Every weight, the packed ones unpacked: a full copy, made on purpose
    // (but views of a mapped file, which stay views of it).
    ModelWeights copyWeights() const;
    // The bytes of weight matrices this model copied, and those it reads in
    // place from a mapped checkpoint (an F32 GPT-2 folder: all of them).
    WeightMemory weightMemory() const;
    // Rotary models: the cosines, sines and angles q and k are rotated by (empty otherwise).
    const RotaryTable& rotary() const { return m_rotary; }

    ForwardResult forward(std::span<const int> tokens, std::span<const int> positions, KeyValueCache* cache,
                          ForwardObserver* observer = nullptr) const;
    // The same pass in `scratch`'s buffers: a decode loop that keeps one
    // scratch allocates nothing but the returned logits.
    ForwardResult forward(std::span<const int> tokens, std::span<const int> positions, KeyValueCache* cache,
                          ForwardObserver* observer, ForwardScratch& scratch) const;

    // Exact for the tiny teaching models, OpenBLAS for the others (TensorOps.h).
    ProductKernel kernel() const { return m_kernel; }

private:
    using View = Eigen::Map<Matrix>;

    // One layer's weight matrices in the kernel's form (PackedMatrix.h):
    // read in place from a mapped F32 file, or packed copies.
    struct PackedLayer {
        PackedMatrix qkv;
        PackedMatrix out;
        PackedMatrix up;
        PackedMatrix gate; // SwiGLU only
        PackedMatrix down;
    };
    // Packs every layer's matrices (or reads them in place) and empties the originals in `weights`.
    static std::vector<PackedLayer> pack(ModelWeights& weights, ProductKernel kernel);
    // The layer's packed matrices (all empty when nothing is packed).
    const PackedLayer& packedLayer(int index) const;
    // out = x . weights, through the packed copy when there is one.
    void project(const View& x, const WeightMatrix& weights, const PackedMatrix& packed, View out) const;

    void checkInputs(std::span<const int> tokens, std::span<const int> positions) const;
    void embed(std::span<const int> tokens, std::span<const int> positions, View x) const;
    // y = LayerNorm or RMSNorm of x, as the config says.
    void norm(const Eigen::Ref<const Matrix>& x, const RowVector& gain, const RowVector& bias,
              Eigen::Ref<Matrix> y) const;
    // THE ATTENTION: q, k, v for the new tokens, RoPE, the cache append, each
    // head's masked softmax(q.kT/sqrt(head_dim)).v, the output projection.
    void attention(int layerIndex, const View& normed, std::span<const int> positions, KeyValueCache* cache,
                   ForwardObserver* observer, ForwardScratch& scratch, View out, MacCounts& macs) const;
    void attendHead(int layerIndex, int head, const View& qkv, const ConstMatrixView& keys,
                    const ConstMatrixView& values, int appendedFrom, ForwardObserver* observer,
                    ForwardScratch& scratch, int part, View heads) const;
    void mlp(const LayerWeights& layer, const PackedLayer& packed, const View& normed, ForwardScratch& scratch, View out,
             MacCounts& macs) const;

    ModelConfig m_config;
    ModelWeights m_weights;
    ProductKernel m_kernel;
    std::vector<PackedLayer> m_packed; // empty for the exact kernel and portable builds
    RotaryTable m_rotary;              // rotary positions only: cos/sin of every position
};

} // namespace kv
