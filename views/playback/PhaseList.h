#pragma once

#include "core/model/ModelConfig.h"
#include "views/playback/Phase.h"

#include <vector>

namespace kvlab {

// The phases of one step for one model, numbered from 0: the seven of
// DESIGN.md for learned positions (GPT-2), and Rotate after Project for
// rotary ones (Llama), eight in all. A learned-position model's numbering
// never changes, so "--phase 4" is the scores on GPT-2 whatever else exists.
class PhaseList {
public:
    PhaseList(); // learned positions: the seven
    explicit PhaseList(const kv::ModelConfig& config);

    int count() const { return static_cast<int>(m_phases.size()); }
    Phase at(int index) const { return m_phases.at(static_cast<std::size_t>(index)); }
    // The phase's number in this list, -1 when this model has no such phase.
    int indexOf(Phase phase) const;
    bool contains(Phase phase) const { return indexOf(phase) >= 0; }
    const std::vector<Phase>& all() const { return m_phases; }

private:
    std::vector<Phase> m_phases;
};

} // namespace kvlab
