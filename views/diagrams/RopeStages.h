#pragma once

#include "core/decode/DecodeMode.h"
#include "core/tensor/RotaryTable.h"
#include "views/playback/Frame.h"

namespace kvlab {

// What RoPE did in this step's pass, for the frame's layer, read from the
// pass's own stages (PassHeads) and the model's RotaryTable: never computed
// again here. Rotary models only (Frame::lesson->config().position).

bool rotaryPositions(const Frame& frame);

// The query head's q for the pass's new rows as projected, before RoPE: (new rows, head_dim).
kv::Matrix queriesBeforeRope(const Frame& frame, kv::DecodeMode mode, int queryHead);
// The K/V head's k for the pass's new rows as projected, before RoPE: (new rows, head_dim).
kv::Matrix keysBeforeRope(const Frame& frame, kv::DecodeMode mode, int kvHead);
// The same rows after RoPE, as the attention read them: (new rows, head_dim).
kv::Matrix queriesAfterRope(const Frame& frame, kv::DecodeMode mode, int queryHead);
kv::Matrix keysAfterRope(const Frame& frame, kv::DecodeMode mode, int kvHead);
// The angle pair i of row r turned by, pos_r · θ_i (RotaryTable::angle): (new rows, head_dim/2).
kv::Matrix ropeAngles(const Frame& frame, kv::DecodeMode mode);
const kv::RotaryTable& rotaryTable(const Frame& frame);

} // namespace kvlab
