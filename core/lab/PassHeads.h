#pragma once

#include "core/model/HeadRecord.h"

#include <cstddef>
#include <vector>

namespace kv {

// What every attention head of one forward pass computed, layer-major:
// heads[layer * n_head + head]. Recomputed on demand by LazyWalkThrough.
struct PassHeads {
    std::vector<HeadRecord> heads;

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
        return floats * sizeof(float);
    }
};

} // namespace kv
