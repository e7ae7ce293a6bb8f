#pragma once

#include "core/lab/BenchmarkOperation.h"
#include "core/lab/BenchmarkShape.h"
#include "core/lab/BenchmarkStep.h"
#include "core/lab/BenchmarkSummary.h"
#include "core/lab/MachineRates.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kv {

class DecodeSession;
class Transformer;

// A timed run of both decode paths over the same weights (random ones of a
// shape, or a loaded checkpoint's): a random prompt of P tokens, then N new
// tokens chosen greedily, step by step.
class BenchmarkRunner {
public:
    // Receives each step as it completes; returning false cancels the run.
    using StepCallback = std::function<bool(const BenchmarkStep&)>;

    static constexpr std::uint64_t kWeightSeed = 20240501;
    static constexpr std::uint64_t kPromptSeed = 17;

    // Throws BenchmarkError unless P >= 1, N >= 1 and P + N fits the context.
    BenchmarkRunner(BenchmarkShape shape, int promptTokens, int newTokens);
    // The same run over a loaded model's own weights (a checkpoint), named `name`.
    BenchmarkRunner(std::string name, std::shared_ptr<const Transformer> model, int promptTokens, int newTokens);
    // True when the run uses a loaded model rather than random weights.
    bool usesLoadedModel() const { return m_model != nullptr; }

    const BenchmarkShape& shape() const { return m_shape; }
    int promptTokens() const { return m_promptTokens; }
    int newTokens() const { return m_newTokens; }

    // The machine's ceilings on `threads` threads, and the multiply curve at
    // the MLP's (rows x d) . (d x 4d), the shape the model multiplies most,
    // from 1 row to the most rows a pass of this run feeds (the last uncached
    // step's P + N - 1).
    MachineRates measureRates(int threads) const;

    // Reads the memory's bandwidth at this moment, in GB/s (BandwidthProbe::readGbps()).
    using BandwidthReader = std::function<double()>;

    // Generates the weights, then runs step 0, 1, ... of the cached and the
    // uncached path in turn, so both curves grow together, on rates.threads
    // threads (it sets computeThreads()). `rates` give the compute ceiling;
    // measure them at the start of the run (measureRates()). With a
    // `readBandwidth`, the memory is read before the first step and after
    // every step, and each step is priced at the mean of the reads just
    // before and after it: the bandwidth the machine had while it ran (a
    // shared machine's moves by a third within a run). Without one, every
    // step is priced at rates.gbps. Throws BenchmarkError if a read is not positive.
    BenchmarkSummary run(const MachineRates& rates, const StepCallback& onStep = {},
                         const BandwidthReader& readBandwidth = {}) const;

    // The same run priced at another compute ceiling (the better of those
    // measured before and after it): every step's roofline, and the summary's
    // rates. Each step keeps the bandwidth read around it; a run without
    // reads takes rates.gbps.
    BenchmarkSummary repriced(BenchmarkSummary summary, const MachineRates& rates) const;
    // Every step priced at both of `rates`' ceilings, the reads around it
    // ignored: what a roofline of ceilings measured only before and after
    // the run predicts.
    BenchmarkSummary pricedAtCeilings(BenchmarkSummary summary, const MachineRates& rates) const;

    // Bytes a pass over `tokensIn` tokens reads, the sum of its operations'
    // bytes: every weight once as the pass streams them (the position table
    // and an untied embedding only at the rows it uses), plus, with the
    // cache, K and V of all layers for `sequenceLength` tokens. Without a
    // cache, the K and V of the prefix are this pass's own activations.
    std::int64_t bytesRead(DecodeMode path, int tokensIn, int sequenceLength) const;

    // The same pass as the operations it runs in order: the position rows
    // (learned positions) or the embedding rows (untied classifier), then per
    // layer the first norm, the q/k/v product, RoPE (rotary models), the heads'
    // attention (scores and mix; with the cache, reading the layer's K and V),
    // the output projection, the second norm and the MLP's two products (GELU)
    // or three (SwiGLU); then the final norm and the LM head. Names follow the
    // family's checkpoints (GPT-2's c_attn, Llama's o_proj). Each weight product's bytes are
    // its weights and bias; the element-wise passes over activations (which
    // stay in cache) move only their parameters. Their flops sum to twice
    // the pass's multiply-adds, their bytes to bytesRead().
    std::vector<BenchmarkOperation> operations(DecodeMode path, int tokensIn, int sequenceLength) const;

    std::vector<int> prompt() const;

private:
    void validate() const;
    // The loaded model, or random weights of the shape (kWeightSeed).
    std::shared_ptr<const Transformer> modelToRun() const;
    BenchmarkStep timedStep(DecodeSession& session, const std::vector<int>& prompt,
                            const std::vector<BenchmarkStep>& done) const;
    // Prices the step at `gflops` and step.gbps.
    void price(BenchmarkStep& step, double gflops) const;

    BenchmarkShape m_shape;
    std::shared_ptr<const Transformer> m_model; // null: random weights of m_shape
    int m_promptTokens;
    int m_newTokens;
};

} // namespace kv
