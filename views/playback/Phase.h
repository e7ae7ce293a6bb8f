#pragma once

#include <QString>

namespace kvlab {

// The seven phases one decode step is told in (DESIGN.md).
enum class Phase { TokenIn, Project, Append, Scores, Softmax, Mix, NextToken };

constexpr int kPhaseCount = 7;

inline int phaseIndex(Phase phase) { return static_cast<int>(phase); }
inline Phase phaseAt(int index) { return static_cast<Phase>(index); }
QString phaseName(Phase phase);

} // namespace kvlab
