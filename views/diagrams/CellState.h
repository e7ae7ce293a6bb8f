#pragma once

namespace kvlab {

// What a matrix cell is, in this step, for the lesson's purpose.
enum class CellState {
    New,        // computed this step
    FromCache,  // read back from the KV cache
    Recomputed, // computed again, equal to what an earlier step computed
    Wasted,     // computed and thrown away
    Masked,     // a future position the causal mask hides
    Stale,      // left in the cache by an earlier prompt (a bug, demonstrated)
    Pending,    // not computed yet at this phase
};

constexpr int kCellStateCount = 7;

} // namespace kvlab
