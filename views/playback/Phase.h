#pragma once

#include <QString>

namespace kvlab {

// The phases one decode step is told in (DESIGN.md), in the order a step
// computes them. Rotate (RoPE turning q and k by their position) is told
// only for models whose positions are rotary: PhaseList says which phases a
// model's steps have and numbers them.
enum class Phase { TokenIn, Project, Rotate, Append, Scores, Softmax, Mix, NextToken };

// Where `phase` comes within a step, for comparisons only: a phase's number
// on the scrubber or the command line comes from the model's PhaseList.
inline int phaseOrder(Phase phase) { return static_cast<int>(phase); }
QString phaseName(Phase phase);

} // namespace kvlab
