#pragma once

#include <algorithm>
#include <string>

namespace kv {

// One operation of a forward pass as the roofline prices it: the floating-
// point operations it performs and the bytes it must bring from memory.
// A pass runs its operations one after another, so its roofline is the sum
// over them of max(flops / peak, bytes / bandwidth): a product of many rows
// over a weight matrix is bound by the arithmetic while the one-row LM head
// in the same pass is bound by streaming its table, and neither hides the other.
struct BenchmarkOperation {
    std::string name; // "layer 3 mlp.c_fc", "lm_head", ...
    double flops = 0.0;
    double bytes = 0.0;

    // Milliseconds at `gflops` (10^9 FLOP/s) and `gbps` (10^9 bytes/s).
    double rooflineMs(double gflops, double gbps) const
    {
        return std::max(flops / (gflops * 1e6), bytes / (gbps * 1e6));
    }
};

} // namespace kv
