#pragma once

#include "core/model/HeadRecord.h"

#include <cstddef>
#include <vector>

namespace kv {

// What every attention head of one forward pass computed, layer-major:
// heads[layer * n_head + head]. Recomputed on demand by LazyWalkThrough.
struct PassHeads {
    std::vector<HeadRecord> heads;
    // Rotary models only, one per layer: this pass's q (new rows, q_dim) and
    // k (new rows, kv_dim) as projected, before RoPE turned them (the heads'
    // queries and keys hold them after). Empty for learned positions.
    std::vector<Matrix> queriesBeforeRope;
    std::vector<Matrix> keysBeforeRope;

    const HeadRecord& head(int layer, int head, int headsPerLayer) const
    {
        return heads.at(static_cast<std::size_t>(layer * headsPerLayer + head));
    }

    // Bytes the matrices take: what holding this record costs.
    std::size_t bytes() const
    {
        std::size_t floats = 0;
        for (const HeadRecord& record : heads)
            floats += static_cast<std::size_t>(record.queries.size() + record.keys.size() + record.values.size()
                                               + record.scores.size() + record.weights.size() + record.output.size());
        for (const std::vector<Matrix>* stage : {&queriesBeforeRope, &keysBeforeRope})
            for (const Matrix& matrix : *stage)
                floats += static_cast<std::size_t>(matrix.size());
        return floats * sizeof(float);
    }
};

} // namespace kv
