#pragma once

#include "core/lab/BenchmarkStep.h"
#include "core/lab/MachineRates.h"

#include <string>
#include <vector>

namespace kv {

// Everything a timed run measured, and its headline figures. The figures are
// computed from the steps, over the steps both paths finished (all of them
// unless the run was cancelled).
struct BenchmarkSummary {
    std::string shape;
    int promptTokens = 0;
    int newTokens = 0;
    MachineRates rates;
    bool cancelled = false;
    std::vector<BenchmarkStep> cachedSteps;   // in step order
    std::vector<BenchmarkStep> uncachedSteps; // in step order
    // GB/s of each read of the memory between two steps, in order: one
    // before the first step, then one after every step (empty when the run
    // priced every step at rates.gbps).
    std::vector<double> bandwidthReads;

    // The lowest, middle and highest of bandwidthReads (all 0 when empty).
    struct Spread {
        double min = 0.0;
        double median = 0.0;
        double max = 0.0;
    };
    Spread bandwidthSpread() const;
    // The mean bandwidth the path's passes were priced at, over the compared steps.
    double pricedGbps(DecodeMode path) const;

    int comparedSteps() const;

    // Cached step 0: time to first token.
    double prefillMs() const;
    // Means over steps 1.., one new token each; 0 when the run has no such step.
    double decodeMsPerTokenCached() const;
    double decodeMsPerTokenUncached() const;

    // Uncached over cached, summed over the same steps, step 0 included: the
    // seed's claim ("42 s vs 9 s for 100 tokens") is about the whole time to
    // generate the tokens, and the three ratios stay comparable.
    double predictedSpeedup() const; // multiply-adds
    double rooflineSpeedup() const;  // roofline times
    double measuredSpeedup() const;  // wall times

    // Roofline time over wall time, summed over the same steps: 1 is a path
    // at the machine's limits. measured / roofline speedup equals cached /
    // uncached fraction, so a speedup far from its roofline means one path
    // is further from its limit than the other.
    double fractionOfRoofline(DecodeMode path) const;
    // The share of the path's roofline time in memory-bound passes.
    double memoryBoundShare(DecodeMode path) const;
};

} // namespace kv
