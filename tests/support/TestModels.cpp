#include "tests/support/TestModels.h"

#include <map>
#include <random>

namespace kvtest {

kv::ModelConfig smallConfig(int layers, int heads, int kvHeads, int context, int vocab, int embd)
{
    return kv::ModelConfig::gpt2("test", layers, embd, heads, kvHeads, context, vocab);
}

kv::Transformer randomTransformer(const kv::ModelConfig& config, std::uint64_t seed, float scale)
{
    return kv::Transformer(config, kv::ModelWeights::random(config, seed, scale));
}

std::vector<int> randomTokens(int count, int vocab, std::uint64_t seed)
{
    std::mt19937_64 generator(seed);
    std::vector<int> tokens(static_cast<std::size_t>(count));
    for (int& token : tokens)
        token = static_cast<int>(generator() % static_cast<std::uint64_t>(vocab));
    return tokens;
}

QString shippedModelDir(const QString& name)
{
    return QStringLiteral(KVLAB_ASSETS_DIR "/models/") + name;
}

const kv::ModelBundle& shippedModel(const QString& name)
{
    static std::map<QString, kv::ModelBundle> loaded;
    auto found = loaded.find(name);
    if (found == loaded.end())
        found = loaded.emplace(name, kv::ModelBundle::load(shippedModelDir(name).toStdString())).first;
    return found->second;
}

float maxAbsDiff(const kv::Matrix& a, const kv::Matrix& b)
{
    if (a.rows() != b.rows() || a.cols() != b.cols())
        return std::numeric_limits<float>::infinity();
    if (a.size() == 0)
        return 0.0f;
    return (a - b).cwiseAbs().maxCoeff();
}

} // namespace kvtest
