#pragma once

#include "core/decode/DecodeMode.h"
#include "views/playback/Frame.h"
#include "views/diagrams/ByRole.h"
#include "views/diagrams/MatrixSpec.h"

#include <vector>

namespace kvlab {

// Builds the six matrices one pane shows for a frame, by role: Q, Kᵀ,
// scores (row A) and weights, V, output (row B), with each cell's state at
// this phase.
ByRole<MatrixSpec> attentionMatrices(const Frame& frame, kv::DecodeMode mode);

// Is the frame's layer the model's last (the one whose newest row feeds the LM head)?
bool atLastLayer(const Frame& frame);

// Without a cache, the state of the earlier tokens' rows of scores, weights
// and output at the frame's layer: Recomputed below the last layer (they are
// the next layer's input, from which it rebuilds K and V), Wasted at the last
// layer (only the newest row reaches the LM head).
CellState uncachedOldRowState(const Frame& frame);

// The query heads shown together: those sharing the selected head's K/V head
// (just the selected head without grouped-query attention).
std::vector<int> sharingHeads(const Frame& frame);

// Which head and query row a row of the stacked query-side matrices is.
struct QueryRowRef {
    int head = 0;
    int row = 0;
};
QueryRowRef queryRowAt(const Frame& frame, kv::DecodeMode mode, int stackedRow);

// The key rows (tokens) of this pane that an earlier prompt left in the cache.
int staleRowCount(const Frame& frame, kv::DecodeMode mode);

} // namespace kvlab
