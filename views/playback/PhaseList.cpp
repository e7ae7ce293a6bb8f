#include "views/playback/PhaseList.h"

#include <algorithm>

namespace kvlab {

PhaseList::PhaseList()
    : m_phases{Phase::TokenIn, Phase::Project, Phase::Append, Phase::Scores,
               Phase::Softmax, Phase::Mix,     Phase::NextToken}
{
}

PhaseList::PhaseList(const kv::ModelConfig& config)
    : PhaseList()
{
    // RoPE turns q and k after the projection and before k is cached.
    if (config.position == kv::PositionKind::Rotary)
        m_phases.insert(m_phases.begin() + indexOf(Phase::Append), Phase::Rotate);
}

int PhaseList::indexOf(Phase phase) const
{
    const auto found = std::find(m_phases.begin(), m_phases.end(), phase);
    return found == m_phases.end() ? -1 : static_cast<int>(found - m_phases.begin());
}

} // namespace kvlab
