#pragma once

#include "core/model/ModelConfig.h"
#include "core/tensor/Tensor.h"

#include <array>
#include <vector>

namespace kv {

// The buffers one forward pass works in, kept between passes so that a
// decode loop allocates nothing: every buffer is a (rows x cols) view on
// storage that only ever grows. A DecodeSession reserves room for its whole
// context once; a pass that needs more (a one-off forward()) grows it.
class ForwardScratch {
public:
    enum Buffer {
        Hidden,      // (n, d): the residual stream
        Normed,      // (n, d): its norm
        Qkv,         // (n, q_dim + 2*kv_dim)
        Heads,       // (n, q_dim): the heads' outputs side by side
        Projected,   // (n, d): attention or MLP output before the residual add
        Expanded,    // (n, hidden): the MLP's hidden layer (SwiGLU: its up projection)
        Gate,        // (n, hidden): SwiGLU's gate; empty for a GELU MLP
        Scores,      // (n, keys) per thread: one head's scores
        Weights,     // (n, keys) per thread: their softmax
        LastNormed,  // (1, d): the final norm of the last token
        BufferCount
    };

    // Room for passes of up to `rows` tokens reading up to `keys` keys on `threads` threads.
    void reserve(const ModelConfig& config, int rows, int keys, int threads);

    // A (rows x cols) view of the buffer; `part` picks one of several side by
    // side (a thread's own scores). Grows the storage if it is too small.
    Eigen::Map<Matrix> view(Buffer buffer, Eigen::Index rows, Eigen::Index cols, int part = 0);

    // Floats held, all buffers together.
    std::size_t capacity() const;

private:
    // Aligned as Eigen aligns its own matrices: its vectorised reductions
    // (a row's mean, a softmax's sum) peel off the first elements up to an
    // aligned address, so the same row at another alignment sums in another
    // order. Aligned storage keeps a pass's bits independent of where its
    // scratch happens to lie (a replayed pass equals the first one).
    using Storage = std::vector<float, Eigen::aligned_allocator<float>>;
    std::array<Storage, BufferCount> m_storage;
};

} // namespace kv
