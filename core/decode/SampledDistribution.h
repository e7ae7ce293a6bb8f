#pragma once

#include "core/decode/SamplingSettings.h"

#include <vector>

namespace kv {

// The distribution a step's next token was drawn from, kept small: the
// candidates with the highest logits, each with its probability under the
// model (softmax at T = 1) and in the distribution the sampler drew from
// (after temperature, top-k and top-p: 0 where a filter cut it off), plus the
// drawn token's two probabilities, which matter most when a high temperature
// drew a token outside the candidates.
struct SampledDistribution {
    static constexpr int kCandidates = 8;

    SamplingSettings settings;
    std::vector<int> tokens;              // candidates, by descending logit (ties: lower id first)
    std::vector<float> modelProbability;  // softmax(logits) of each candidate
    std::vector<float> drawProbability;   // each candidate's probability in the distribution drawn from
    int chosenToken = -1;
    int chosenRank = -1;                  // the drawn token's rank by logit, 0 = most likely
    float chosenModelProbability = 0.0f;
    float chosenDrawProbability = 0.0f;
    int kept = 0;                         // tokens with a non-zero probability after the filters
    int vocabulary = 0;

    bool greedy() const { return settings.greedy(); }
    bool filtered() const { return kept < vocabulary; } // top-k or top-p cut some tokens off
};

} // namespace kv
