#include "core/model/MacCounts.h"

namespace kv {

MacCounts& MacCounts::operator+=(const MacCounts& other)
{
    projections += other.projections;
    rotary += other.rotary;
    attentionScores += other.attentionScores;
    attentionMix += other.attentionMix;
    mlp += other.mlp;
    lmHead += other.lmHead;
    return *this;
}

} // namespace kv
