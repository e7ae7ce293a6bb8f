#include "core/lab/BenchmarkRunner.h"

#include "core/lab/BenchmarkError.h"
#include "core/model/CostModel.h"
#include "core/decode/DecodeSession.h"
#include "core/tensor/TensorOps.h"

#include <cassert>
#include <chrono>
#include <random>

namespace kv {

namespace {

constexpr std::int64_t kBytesPerFloat = sizeof(float);

int greedy(const RowVector& logits)
{
    Eigen::Index best = 0;
    logits.maxCoeff(&best);
    return static_cast<int>(best);
}

// Stores the step and hands it on; false when the listener cancels.
bool deliver(BenchmarkStep step, std::vector<BenchmarkStep>& steps, const BenchmarkRunner::StepCallback& onStep)
{
    steps.push_back(step);
    return !onStep || onStep(steps.back());
}

} // namespace

BenchmarkRunner::BenchmarkRunner(BenchmarkShape shape, int promptTokens, int newTokens)
    : m_shape(std::move(shape))
    , m_promptTokens(promptTokens)
    , m_newTokens(newTokens)
{
    validate();
}

BenchmarkRunner::BenchmarkRunner(std::string name, std::shared_ptr<const Transformer> model, int promptTokens,
                                 int newTokens)
    : m_shape{std::move(name), model->config()}
    , m_model(std::move(model))
    , m_promptTokens(promptTokens)
    , m_newTokens(newTokens)
{
    validate();
}

std::shared_ptr<const Transformer> BenchmarkRunner::modelToRun() const
{
    if (m_model)
        return m_model;
    return std::make_shared<const Transformer>(m_shape.config, ModelWeights::random(m_shape.config, kWeightSeed));
}

void BenchmarkRunner::validate() const
{
    if (m_promptTokens < 1)
        throw BenchmarkError("the prompt needs at least 1 token, got " + std::to_string(m_promptTokens));
    if (m_newTokens < 1)
        throw BenchmarkError("the run needs at least 1 new token, got " + std::to_string(m_newTokens));
    const int context = m_shape.config.nPositions;
    if (m_promptTokens > context - m_newTokens)
        throw BenchmarkError(std::to_string(m_promptTokens) + " prompt tokens + " + std::to_string(m_newTokens)
                             + " new tokens do not fit the " + std::to_string(context) + "-token context of shape "
                             + m_shape.name);
}

std::vector<int> BenchmarkRunner::prompt() const
{
    std::mt19937_64 generator(kPromptSeed);
    std::uniform_int_distribution<int> anyToken(0, m_shape.config.vocabSize - 1);
    std::vector<int> tokens(static_cast<std::size_t>(m_promptTokens));
    for (int& token : tokens)
        token = anyToken(generator);
    return tokens;
}

BenchmarkSummary BenchmarkRunner::run(const MachineRates& rates, const StepCallback& onStep,
                                     const BandwidthReader& readBandwidth) const
{
    if (!rates.valid())
        throw BenchmarkError("the machine rates must be positive with the rows ascending, got "
                             + std::to_string(rates.matmulCurve.size()) + " matrix-multiply rates (peak "
                             + std::to_string(rates.peakGflops()) + " GFLOP/s) and " + std::to_string(rates.gbps)
                             + " GB/s");
    setComputeThreads(rates.threads);
    const std::shared_ptr<const Transformer> weights = modelToRun();
    const Transformer& model = *weights;
    const std::vector<int> tokens = prompt();
    DecodeSession cached(model, DecodeMode::Cached);
    DecodeSession uncached(model, DecodeMode::Uncached);

    BenchmarkSummary summary{m_shape.name, m_promptTokens, m_newTokens, rates, false, {}, {}, {}};
    // The bandwidth now: a read of the memory, recorded, or the ceiling.
    const auto bandwidth = [&] {
        if (!readBandwidth)
            return rates.gbps;
        const double gbps = readBandwidth();
        if (!(gbps > 0.0))
            throw BenchmarkError("a read of the memory between two steps gave " + std::to_string(gbps) + " GB/s");
        summary.bandwidthReads.push_back(gbps);
        return gbps;
    };
    double before = bandwidth();
    for (int step = 0; step < m_newTokens && !summary.cancelled; ++step) {
        for (DecodeSession* session : {&cached, &uncached}) {
            auto& steps = session == &cached ? summary.cachedSteps : summary.uncachedSteps;
            BenchmarkStep timed = timedStep(*session, tokens, steps);
            const double after = bandwidth();
            timed.gbps = (before + after) / 2.0;
            before = after;
            price(timed, rates.peakGflops());
            if (!deliver(timed, steps, onStep)) {
                summary.cancelled = true;
                break;
            }
        }
    }
    return summary;
}

BenchmarkSummary BenchmarkRunner::repriced(BenchmarkSummary summary, const MachineRates& rates) const
{
    summary.rates = rates;
    for (auto* steps : {&summary.cachedSteps, &summary.uncachedSteps})
        for (BenchmarkStep& step : *steps) {
            if (summary.bandwidthReads.empty())
                step.gbps = rates.gbps;
            price(step, rates.peakGflops());
        }
    return summary;
}

BenchmarkSummary BenchmarkRunner::pricedAtCeilings(BenchmarkSummary summary, const MachineRates& rates) const
{
    summary.bandwidthReads.clear();
    return repriced(std::move(summary), rates);
}

BenchmarkStep BenchmarkRunner::timedStep(DecodeSession& session, const std::vector<int>& prompt,
                                         const std::vector<BenchmarkStep>& done) const
{
    const auto start = std::chrono::steady_clock::now();
    const DecodePass result = done.empty() ? session.start(prompt) : session.next(done.back().token);
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;

    BenchmarkStep step;
    step.path = session.mode();
    step.step = static_cast<int>(done.size());
    step.totalSteps = m_newTokens;
    step.tokensIn = static_cast<int>(result.inputs.size());
    step.sequenceLength = static_cast<int>(result.keyTokens.size());
    step.token = greedy(result.logits);
    step.wallMs = elapsed.count();
    step.macs = result.macs.total();
    assert(result.macs == CostModel(m_shape.config).forward(step.tokensIn, step.sequenceLength));
    return step;
}

void BenchmarkRunner::price(BenchmarkStep& step, double gflops) const
{
    step.bytesRead = bytesRead(step.path, step.tokensIn, step.sequenceLength);
    // The machine's ceilings, whatever the pass: how far below them a pass
    // of few rows stays is what the roofline shows.
    step.gflops = gflops;
    // GFLOP/s = 10^6 FLOP per ms; GB/s = 10^6 bytes per ms.
    step.computeMs = 2.0 * static_cast<double>(step.macs) / (step.gflops * 1e6);
    step.memoryMs = static_cast<double>(step.bytesRead) / (step.gbps * 1e6);
    step.operationsMs = 0.0;
    for (const BenchmarkOperation& operation : operations(step.path, step.tokensIn, step.sequenceLength))
        step.operationsMs += operation.rooflineMs(step.gflops, step.gbps);
}

std::vector<BenchmarkOperation> BenchmarkRunner::operations(DecodeMode path, int tokensIn, int sequenceLength) const
{
    const ModelConfig& config = m_shape.config;
    const double n = tokensIn;
    const double d = config.nEmbd;
    const double qDim = config.qDim();
    const double mlp = config.mlpWidth();
    const double bytes = kBytesPerFloat;
    const bool gpt2Names = config.family == ModelFamily::Gpt2;
    // n rows times an (in x out) weight matrix, plus its bias when it has one.
    const auto product = [&](std::string name, double in, double out, bool bias) {
        return BenchmarkOperation{std::move(name), 2.0 * n * in * out, (in * out + (bias ? out : 0.0)) * bytes};
    };
    // A norm reads its gain (and a LayerNorm its bias); the activations stay in cache.
    const double normBytes = (config.norm == NormKind::LayerNorm ? 2.0 : 1.0) * d * bytes;
    const auto norm = [&](std::string name) { return BenchmarkOperation{std::move(name), 0.0, normBytes}; };

    std::vector<BenchmarkOperation> ops;
    if (config.position == PositionKind::Learned)
        ops.push_back({"wpe rows", 0.0, n * d * bytes});
    // A tied table is streamed whole by the LM head, which counts the rows
    // the embedding picks; an untied one is read only at the picked rows.
    if (!config.tiedClassifier)
        ops.push_back({"embedding rows", 0.0, n * d * bytes});
    const double keys = sequenceLength;
    const double cacheBytes = path == DecodeMode::Cached
        ? static_cast<double>(CostModel(config).kvBytes(sequenceLength, 1, kBytesPerFloat)) / config.nLayer
        : 0.0;
    const double rotated = config.position == PositionKind::Rotary ? qDim + config.kvDim() : 0.0;
    for (int layer = 0; layer < config.nLayer; ++layer) {
        const std::string prefix = "layer " + std::to_string(layer) + " ";
        ops.push_back(norm(prefix + (gpt2Names ? "ln_1" : "input_layernorm")));
        ops.push_back(product(prefix + (gpt2Names ? "attn.c_attn" : "self_attn.qkv_proj"), d, config.qkvWidth(),
                              config.attentionBias));
        if (rotated > 0.0) // two multiply-adds per rotated element, no weights read
            ops.push_back({prefix + "rope", 2.0 * 2.0 * n * rotated, 0.0});
        // Scores and mix: n x keys x head_dim multiply-adds each, every head.
        ops.push_back({prefix + "attention", 2.0 * 2.0 * config.nHead * n * keys * config.headDim(), cacheBytes});
        // GPT-2's output projection has a bias with the q/k/v one; Llama's and Qwen2's none.
        ops.push_back(product(prefix + (gpt2Names ? "attn.c_proj" : "self_attn.o_proj"), qDim, d,
                              gpt2Names && config.attentionBias));
        ops.push_back(norm(prefix + (gpt2Names ? "ln_2" : "post_attention_layernorm")));
        if (config.mlp == MlpKind::SwiGlu) {
            ops.push_back(product(prefix + "mlp.gate_proj", d, mlp, config.mlpBias));
            ops.push_back(product(prefix + "mlp.up_proj", d, mlp, config.mlpBias));
            ops.push_back(product(prefix + "mlp.down_proj", mlp, d, config.mlpBias));
        } else {
            ops.push_back(product(prefix + "mlp.c_fc", d, mlp, config.mlpBias));
            ops.push_back(product(prefix + "mlp.c_proj", mlp, d, config.mlpBias));
        }
    }
    ops.push_back(norm(gpt2Names ? "ln_f" : "norm"));
    // The last token only, against the whole classifier table.
    ops.push_back({"lm_head", 2.0 * d * config.vocabSize, static_cast<double>(config.vocabSize) * d * bytes});
    return ops;
}

std::int64_t BenchmarkRunner::bytesRead(DecodeMode path, int tokensIn, int sequenceLength) const
{
    double bytes = 0.0;
    for (const BenchmarkOperation& operation : operations(path, tokensIn, sequenceLength))
        bytes += operation.bytes;
    return static_cast<std::int64_t>(bytes);
}

MachineRates BenchmarkRunner::measureRates(int threads) const
{
    const ModelConfig& config = m_shape.config;
    // The last uncached pass feeds the most rows (N >= 1 is validated).
    return MachineRates::measure(m_promptTokens + m_newTokens - 1, config.nEmbd, config.mlpWidth(), threads);
}

} // namespace kv
