#pragma once

#include "core/decode/DecodeMode.h"
#include "core/model/HeadRecord.h"
#include "core/decode/SampledDistribution.h"
#include "core/model/StepCost.h"

#include <vector>

namespace kv {

// Everything one decode step (or the prefill) computed in one mode.
struct StepRecord {
    DecodeMode mode = DecodeMode::Cached;
    int index = 0;        // 0 is the prefill
    bool prefill = false;
    std::vector<int> inputTokens;  // fed through the model this step (uncached: the whole sequence)
    std::vector<int> positions;    // their positions
    int firstNewInput = 0;         // inputTokens before this index were already processed by an earlier step
    std::vector<int> keyTokens;    // whose keys/values the attention read, in row order
    std::vector<HeadRecord> heads; // layer-major: heads[layer * n_head + head]; empty unless asked for
    RowVector logits;              // next-token logits of the last input
    RowVector probabilities;       // softmax(logits)
    int chosenToken = -1;
    double draw = -1.0;            // the uniform number the sampler drew for chosenToken (-1: greedy)
    // An uncached step whose pass has not run yet: its inputs and multiply-adds
    // are known (the cost model), its logits, pick and wall time are not.
    bool pending = false;
    SampledDistribution sampled;   // the top candidates of the distribution chosenToken was drawn from
    StepCost cost;

    const HeadRecord& head(int layer, int head, int headsPerLayer) const
    {
        return heads.at(static_cast<std::size_t>(layer * headsPerLayer + head));
    }
};

} // namespace kv
