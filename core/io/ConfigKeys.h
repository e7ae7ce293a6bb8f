#pragma once

#include "core/io/JsonKind.h"

#include <map>
#include <string>

namespace kv {

// The JSON kind of every key the project's config.json may hold, checked
// before any is read, so that a wrong kind ("n_layer": "2") is reported as a
// LoadError naming the key. A key added to the reader belongs here too:
// tests/core/tst_configerrors feeds every key of the shipped configs every
// wrong kind and fails on a key this table does not know.
const std::map<std::string, JsonKind>& configKeyKinds();

} // namespace kv
