#include "core/decode/Trace.h"

#include <algorithm>

namespace kv {

std::vector<int> Trace::generated() const
{
    std::vector<int> tokens;
    for (const auto& step : steps)
        tokens.push_back(step.chosenToken);
    return tokens;
}

MacCounts Trace::totalMacs(std::size_t throughStep) const
{
    MacCounts total;
    for (std::size_t i = 0; i < std::min(throughStep + 1, steps.size()); ++i)
        total += steps[i].cost.macs;
    return total;
}

} // namespace kv
