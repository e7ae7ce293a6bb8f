#include "core/lab/BenchmarkShape.h"

#include "core/lab/BenchmarkError.h"
#include "core/model/WeightTable.h"
#include "core/util/NameMatching.h"

namespace kv {

namespace {

BenchmarkShape shape(const std::string& name, int layers, int embd, int heads, int context, int vocab)
{
    return {name, ModelConfig::gpt2(name, layers, embd, heads, heads, context, vocab)};
}

BenchmarkShape llamaShape(const std::string& name, int layers, int embd, int heads, int context, int vocab,
                          int intermediate)
{
    return {name, ModelConfig::llama(name, layers, embd, heads, heads, context, vocab, intermediate)};
}

} // namespace

std::int64_t BenchmarkShape::parameters() const
{
    return parameterCount(config);
}

const std::vector<BenchmarkShape>& BenchmarkShape::all()
{
    // small: 6 layers of d = 320 (5 heads of 64, like GPT-2's), a vocabulary
    // of 8192 and 512 positions: 10,183,680 parameters. stories15m is the
    // shape of llama2.c's stories15M.bin (dim 288, hidden 768, 6 layers of 6
    // heads, 32,000 tokens, 256 positions), the checkpoint its run.c is timed on.
    static const std::vector<BenchmarkShape> shapes{
        shape("tiny", 2, 32, 4, 16, 149),
        shape("small", 6, 320, 5, 512, 8192),
        shape("gpt2-small", 12, 768, 12, 1024, 50257),
        llamaShape("stories15m", 6, 288, 6, 256, 32000, 768),
    };
    return shapes;
}

std::vector<std::string> BenchmarkShape::names()
{
    return namesOf(all());
}

BenchmarkShape BenchmarkShape::get(const std::string& name)
{
    if (auto found = findByName(all(), name))
        return *found;
    throw BenchmarkError("unknown benchmark shape \"" + name + "\"; known shapes: " + joinNames(names()));
}

} // namespace kv
