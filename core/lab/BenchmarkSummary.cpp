#include "core/lab/BenchmarkSummary.h"

#include <algorithm>

namespace kv {

namespace {

template <typename Value>
double sum(const std::vector<BenchmarkStep>& steps, int from, int to, Value&& value)
{
    double total = 0.0;
    for (int i = from; i < to; ++i)
        total += static_cast<double>(value(steps[static_cast<std::size_t>(i)]));
    return total;
}

// Numerator over denominator, or 0 when there is nothing to compare.
double ratio(double numerator, double denominator)
{
    return denominator > 0.0 ? numerator / denominator : 0.0;
}

double wallMs(const BenchmarkStep& step)
{
    return step.wallMs;
}

} // namespace

int BenchmarkSummary::comparedSteps() const
{
    return static_cast<int>(std::min(cachedSteps.size(), uncachedSteps.size()));
}

double BenchmarkSummary::prefillMs() const
{
    return comparedSteps() > 0 ? cachedSteps.front().wallMs : 0.0;
}

double BenchmarkSummary::decodeMsPerTokenCached() const
{
    const int steps = comparedSteps();
    return ratio(sum(cachedSteps, 1, steps, wallMs), steps - 1);
}

double BenchmarkSummary::decodeMsPerTokenUncached() const
{
    const int steps = comparedSteps();
    return ratio(sum(uncachedSteps, 1, steps, wallMs), steps - 1);
}

double BenchmarkSummary::predictedSpeedup() const
{
    const auto macs = [](const BenchmarkStep& step) { return step.macs; };
    return ratio(sum(uncachedSteps, 0, comparedSteps(), macs), sum(cachedSteps, 0, comparedSteps(), macs));
}

double BenchmarkSummary::rooflineSpeedup() const
{
    const auto roofline = [](const BenchmarkStep& step) { return step.rooflineMs(); };
    return ratio(sum(uncachedSteps, 0, comparedSteps(), roofline), sum(cachedSteps, 0, comparedSteps(), roofline));
}

double BenchmarkSummary::measuredSpeedup() const
{
    return ratio(sum(uncachedSteps, 0, comparedSteps(), wallMs), sum(cachedSteps, 0, comparedSteps(), wallMs));
}

double BenchmarkSummary::fractionOfRoofline(DecodeMode path) const
{
    const auto& steps = path == DecodeMode::Cached ? cachedSteps : uncachedSteps;
    const auto roofline = [](const BenchmarkStep& step) { return step.rooflineMs(); };
    return ratio(sum(steps, 0, comparedSteps(), roofline), sum(steps, 0, comparedSteps(), wallMs));
}

BenchmarkSummary::Spread BenchmarkSummary::bandwidthSpread() const
{
    if (bandwidthReads.empty())
        return {};
    std::vector<double> sorted = bandwidthReads;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t middle = sorted.size() / 2;
    const double median = sorted.size() % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    return {sorted.front(), median, sorted.back()};
}

double BenchmarkSummary::pricedGbps(DecodeMode path) const
{
    const auto& steps = path == DecodeMode::Cached ? cachedSteps : uncachedSteps;
    const auto gbps = [](const BenchmarkStep& step) { return step.gbps; };
    return ratio(sum(steps, 0, comparedSteps(), gbps), comparedSteps());
}

double BenchmarkSummary::memoryBoundShare(DecodeMode path) const
{
    const auto& steps = path == DecodeMode::Cached ? cachedSteps : uncachedSteps;
    const auto memoryBound = [](const BenchmarkStep& step) { return step.memoryBound() ? step.rooflineMs() : 0.0; };
    const auto roofline = [](const BenchmarkStep& step) { return step.rooflineMs(); };
    return ratio(sum(steps, 0, comparedSteps(), memoryBound), sum(steps, 0, comparedSteps(), roofline));
}

} // namespace kv
