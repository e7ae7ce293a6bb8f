#pragma once

#include "DecodeMode.h"
#include "Frame.h"
#include "MatrixSpec.h"

#include <vector>

namespace kvlab {

// Builds the six matrices one pane shows for a frame: Q, Kᵀ, scores (row A)
// and weights, V, output (row B), with each cell's state at this phase.
std::vector<MatrixSpec> attentionMatrices(const Frame& frame, kv::DecodeMode mode);

// The key rows (tokens) of this pane that an earlier prompt left in the cache.
int staleRowCount(const Frame& frame, kv::DecodeMode mode);

} // namespace kvlab
