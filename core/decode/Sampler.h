#pragma once

#include "core/decode/SampledDistribution.h"
#include "core/decode/SamplingSettings.h"
#include "core/tensor/Tensor.h"

#include <random>
#include <vector>

namespace kv {

// Picks the next token from logits: greedy, or temperature / top-k / top-p
// sampling from a seeded generator, so a run with the same seed repeats.
class Sampler {
public:
    explicit Sampler(SamplingSettings settings);

    // Draws the next token; `draw`, when given, receives the uniform number
    // used (-1 for greedy), so the same pick can be made again with pickWith().
    int pick(const RowVector& logits, double* draw = nullptr);
    // The token pick() returns for `logits` when its generator yields `draw`.
    int pickWith(const RowVector& logits, double draw) const;
    // The distribution pick() draws from after temperature, top-k and top-p
    // (all zeros but one for greedy).
    std::vector<double> distribution(const RowVector& logits) const;
    // What a view needs to show the draw of `chosen` from these logits: the
    // top candidates under the model and after the filters, the drawn token's
    // probabilities, and how many tokens the filters kept.
    SampledDistribution describe(const RowVector& logits, int chosen,
                                 int candidates = SampledDistribution::kCandidates) const;

    const SamplingSettings& settings() const { return m_settings; }

private:
    double uniform();

    SamplingSettings m_settings;
    std::mt19937_64 m_generator;
};

} // namespace kv
