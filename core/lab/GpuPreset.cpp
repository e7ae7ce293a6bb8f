#include "core/lab/GpuPreset.h"

#include "core/util/NameMatching.h"

namespace kv {

namespace {

// Capacities in decimal gigabytes (1 GB = 10^9 B), the unit of the cards'
// names and of the "26 GB of weights on a 40 GB A100 = 65%" arithmetic. The
// cards hold a little more than that (nvidia-smi shows an A100 40 GB as about
// 40 GiB, ~42.9 x 10^9 B), so these budgets err on the safe side.
constexpr std::int64_t kGigabyte = 1'000'000'000;

} // namespace

const std::vector<GpuPreset>& GpuPreset::all()
{
    static const std::vector<GpuPreset> gpus{
        {"A100-40GB", 40 * kGigabyte},
        {"A100-80GB", 80 * kGigabyte},
        {"H100-80GB", 80 * kGigabyte},
        {"RTX-4090-24GB", 24 * kGigabyte},
    };
    return gpus;
}

std::vector<std::string> GpuPreset::names()
{
    return namesOf(all());
}

std::optional<GpuPreset> GpuPreset::find(const std::string& name)
{
    return findByName(all(), name);
}

GpuPreset GpuPreset::get(const std::string& name)
{
    return getByName(all(), name, "GPU");
}

} // namespace kv
