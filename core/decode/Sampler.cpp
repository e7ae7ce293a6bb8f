#include "core/decode/Sampler.h"

#include "core/util/KvError.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kv {

namespace {

int argmax(const RowVector& logits)
{
    Eigen::Index best = 0;
    logits.maxCoeff(&best);
    return static_cast<int>(best);
}

// Token ids by descending logit; ties keep the lower id first.
std::vector<int> byLogit(const RowVector& logits)
{
    std::vector<int> order(static_cast<std::size_t>(logits.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return logits(a) > logits(b); });
    return order;
}

// softmax(logits) at temperature 1, in double precision.
std::vector<double> modelProbabilities(const RowVector& logits)
{
    const double top = logits.maxCoeff();
    std::vector<double> probabilities(static_cast<std::size_t>(logits.size()));
    double total = 0.0;
    for (std::size_t i = 0; i < probabilities.size(); ++i)
        total += probabilities[i] = std::exp(static_cast<double>(logits(static_cast<Eigen::Index>(i))) - top);
    for (double& p : probabilities)
        p /= total;
    return probabilities;
}

} // namespace

Sampler::Sampler(SamplingSettings settings)
    : m_settings(settings)
    , m_generator(settings.seed)
{
    if (settings.topP <= 0.0f || settings.topP > 1.0f)
        throw KvError("top-p must be in (0, 1], got " + std::to_string(settings.topP));
    if (settings.topK < 0)
        throw KvError("top-k must be 0 (off) or positive, got " + std::to_string(settings.topK));
}

std::vector<double> Sampler::distribution(const RowVector& logits) const
{
    const auto size = static_cast<std::size_t>(logits.size());
    std::vector<double> probabilities(size, 0.0);
    if (m_settings.greedy()) {
        probabilities[static_cast<std::size_t>(argmax(logits))] = 1.0;
        return probabilities;
    }
    const std::vector<int> order = byLogit(logits);

    std::size_t keep = size;
    if (m_settings.topK > 0)
        keep = std::min(keep, static_cast<std::size_t>(m_settings.topK));

    const double top = logits(order.front());
    std::vector<double> weights(keep);
    for (std::size_t i = 0; i < keep; ++i)
        weights[i] = std::exp((logits(order[i]) - top) / m_settings.temperature);
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);

    // Nucleus: the smallest prefix whose mass reaches top-p.
    double mass = 0.0;
    std::size_t nucleus = 0;
    while (nucleus < keep && (nucleus == 0 || mass < m_settings.topP)) {
        mass += weights[nucleus] / total;
        ++nucleus;
    }
    double kept = 0.0;
    for (std::size_t i = 0; i < nucleus; ++i)
        kept += weights[i];
    for (std::size_t i = 0; i < nucleus; ++i)
        probabilities[static_cast<std::size_t>(order[i])] = weights[i] / kept;
    return probabilities;
}

SampledDistribution Sampler::describe(const RowVector& logits, int chosen, int candidates) const
{
    const std::vector<double> draw = distribution(logits);
    const std::vector<double> model = modelProbabilities(logits);
    const std::vector<int> order = byLogit(logits);
    SampledDistribution result;
    result.settings = m_settings;
    result.vocabulary = static_cast<int>(order.size());
    result.kept = static_cast<int>(std::count_if(draw.begin(), draw.end(), [](double p) { return p > 0.0; }));
    const auto shown = std::min(order.size(), static_cast<std::size_t>(std::max(candidates, 0)));
    for (std::size_t i = 0; i < shown; ++i) {
        const auto token = static_cast<std::size_t>(order[i]);
        result.tokens.push_back(order[i]);
        result.modelProbability.push_back(static_cast<float>(model[token]));
        result.drawProbability.push_back(static_cast<float>(draw[token]));
    }
    if (chosen >= 0 && chosen < result.vocabulary) {
        const auto token = static_cast<std::size_t>(chosen);
        result.chosenToken = chosen;
        result.chosenRank = static_cast<int>(std::find(order.begin(), order.end(), chosen) - order.begin());
        result.chosenModelProbability = static_cast<float>(model[token]);
        result.chosenDrawProbability = static_cast<float>(draw[token]);
    }
    return result;
}

double Sampler::uniform()
{
    // 53 random bits: the same value on every platform for the same seed.
    return static_cast<double>(m_generator() >> 11) * (1.0 / 9007199254740992.0);
}

int Sampler::pick(const RowVector& logits, double* draw)
{
    const double target = m_settings.greedy() ? -1.0 : uniform();
    if (draw)
        *draw = target;
    return pickWith(logits, target);
}

int Sampler::pickWith(const RowVector& logits, double draw) const
{
    if (m_settings.greedy())
        return argmax(logits);
    const std::vector<double> probabilities = distribution(logits);
    double cumulative = 0.0;
    int last = 0;
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
        if (probabilities[i] <= 0.0)
            continue;
        cumulative += probabilities[i];
        last = static_cast<int>(i);
        if (draw < cumulative)
            return last;
    }
    return last; // rounding left the sum a hair under 1
}

} // namespace kv
