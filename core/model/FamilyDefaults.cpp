#include "core/model/FamilyDefaults.h"

#include <array>
#include <cassert>

namespace kv {

namespace {

// clang-format off
constexpr std::array<FamilyDefaults, 2> kFamilies{{
    //  family               name     norm                 position                mlp               attn  mlp   tied  eps    eps key
    {ModelFamily::Gpt2,  "gpt2",  NormKind::LayerNorm, PositionKind::Learned, MlpKind::GeluTanh, true,  true,  true, 1e-5f, "layer_norm_epsilon"},
    {ModelFamily::Llama, "llama", NormKind::RmsNorm,   PositionKind::Rotary,  MlpKind::SwiGlu,   false, false, true, 1e-5f, "rms_norm_eps"},
}};
// clang-format on

} // namespace

const FamilyDefaults& familyDefaults(ModelFamily family)
{
    for (const FamilyDefaults& row : kFamilies)
        if (row.family == family)
            return row;
    assert(false && "every ModelFamily has a row in kFamilies");
    return kFamilies.front();
}

const FamilyDefaults* findFamily(const std::string& name)
{
    for (const FamilyDefaults& row : kFamilies)
        if (name == row.name)
            return &row;
    return nullptr;
}

std::string familyNames()
{
    std::string names;
    for (const FamilyDefaults& row : kFamilies)
        names += (names.empty() ? "" : ", ") + std::string(row.name);
    return names;
}

} // namespace kv
