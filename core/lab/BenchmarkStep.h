#pragma once

#include "core/decode/DecodeMode.h"

#include <algorithm>
#include <cstdint>

namespace kv {

// One timed forward pass of one decode path, with what it cost and what the
// roofline predicted for it. Step 0 is the prompt's pass: for the cached path
// the prefill (time to first token); for the uncached one the same pass, as
// every later step re-runs the whole prefix.
struct BenchmarkStep {
    DecodeMode path = DecodeMode::Cached;
    int step = 0;
    int totalSteps = 0;     // new tokens the run generates per path
    int tokensIn = 0;       // tokens this pass fed through the model
    int sequenceLength = 0; // keys the attention read
    int token = -1;         // greedy choice from this pass's logits
    double wallMs = 0.0;
    std::int64_t macs = 0;      // multiply-adds the pass performed (equal to CostModel's)
    std::int64_t bytesRead = 0; // weights the pass streams, plus the K/V cache it reads
    double gflops = 0.0;        // the machine's compute ceiling (peak sgemm)
    // The bandwidth the pass is priced at: the mean of the reads just before
    // and just after it when the run read the memory between steps
    // (BandwidthProbe), else the ceiling measured before the run.
    double gbps = 0.0;
    double computeMs = 0.0;     // 2 x macs at gflops
    double memoryMs = 0.0;      // bytesRead at gbps
    // The sum over the pass's operations of max(their flops at the peak,
    // their bytes at the bandwidth) (BenchmarkRunner::operations()): never
    // below the larger of the two totals, above it when some operations are
    // bound by memory and others by arithmetic. 0 when not priced by operation.
    double operationsMs = 0.0;

    // Roofline: the pass cannot be faster than its operations run one after
    // another, each at the better of its two limits (and never faster than
    // either the whole arithmetic or the whole memory traffic).
    double rooflineMs() const { return std::max({computeMs, memoryMs, operationsMs}); }
    bool memoryBound() const { return memoryMs >= computeMs; }
};

} // namespace kv
