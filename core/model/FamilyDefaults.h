#pragma once

#include "core/model/ModelConfig.h"

namespace kv {

// What a family chooses when config.json does not say: one row per family,
// read by ModelConfig::applyFamilyDefaults and by the config parser (which key
// holds the norm epsilon). Adding a family is adding a row.
struct FamilyDefaults {
    ModelFamily family;
    const char* name;    // config.json "family"
    NormKind norm;
    PositionKind position;
    MlpKind mlp;
    bool attentionBias;
    bool mlpBias;
    bool tiedClassifier;
    float normEps;
    const char* epsKey;  // config.json key of the norm epsilon
};

// The row of `family`.
const FamilyDefaults& familyDefaults(ModelFamily family);

// The row whose name is `name`, or nullptr.
const FamilyDefaults* findFamily(const std::string& name);

// "gpt2, llama": the names a config may give, for error messages.
std::string familyNames();

} // namespace kv
