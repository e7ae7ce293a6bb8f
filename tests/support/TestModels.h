#pragma once

#include "core/io/ModelBundle.h"
#include "core/model/Transformer.h"

#include <QString>

#include <vector>

namespace kvtest {

// A GPT-2 config of the given shape, and a model with random weights from
// `seed`, scaled up from GPT-2's 0.02 so that attention is far from uniform
// and the effects the tests look for are large.
kv::ModelConfig smallConfig(int layers, int heads, int kvHeads, int context = 12, int vocab = 23, int embd = 16);
kv::Transformer randomTransformer(const kv::ModelConfig& config, std::uint64_t seed = 7, float scale = 0.3f);

// Tokens 0..vocab-1 drawn from a fixed seed.
std::vector<int> randomTokens(int count, int vocab, std::uint64_t seed = 11);

QString shippedModelDir(const QString& name);
const kv::ModelBundle& shippedModel(const QString& name); // loaded once per process

// Largest |a - b| over all entries.
float maxAbsDiff(const kv::Matrix& a, const kv::Matrix& b);

} // namespace kvtest
