#include "Sampler.h"

#include "KvError.h"

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
    // Tokens by descending logit; ties keep the lower id first.
    std::vector<int> order(size);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return logits(a) > logits(b); });

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
