#include "app/cli/BenchCommand.h"

#include "core/lab/BandwidthProbe.h"
#include "core/lab/BenchmarkRunner.h"
#include "core/io/ModelBundle.h"
#include "app/cli/CommandLine.h"
#include "core/util/NameMatching.h"
#include "core/util/NumberFormat.h"
#include "core/tensor/TensorOps.h"

#include <QCommandLineParser>

#include <iomanip>
#include <optional>

namespace kvlab {

namespace {

struct BenchRequest {
    std::optional<kv::BenchmarkRunner> runner;
    int threads = 1;
    QString helpText; // set when --help was asked for
};

int parseCount(const QCommandLineParser& parser, const QString& option, int fallback)
{
    // Ranges are the runner's to check: it names what is wrong with a count.
    return CommandLine::number(parser, option, fallback, "a whole number", CommandLine::anyValue);
}

void addOptions(QCommandLineParser& parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "kvcache-lab --bench [options]: time generation with and without the KV cache, on random weights of a shape "
        "or on a checkpoint's own."));
    parser.addOptions({
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")},
        {QStringLiteral("shape"),
         QStringLiteral("Model shape: %1 (default gpt2-small).").arg(QString::fromStdString(kv::joinNames(kv::BenchmarkShape::names()))),
         QStringLiteral("NAME")},
        {QStringLiteral("model"),
         QStringLiteral("Time a checkpoint's own weights instead of a random shape: a model folder, a Hugging Face "
                        "folder or a llama2.c .bin."),
         QStringLiteral("PATH")},
        {QStringLiteral("tokens"), QStringLiteral("New tokens to generate (default 100)."), QStringLiteral("N")},
        {QStringLiteral("prompt-tokens"), QStringLiteral("Random prompt tokens (default 1)."), QStringLiteral("P")},
        {QStringLiteral("threads"),
         QStringLiteral("Threads for the matrix products and the heads, 1 to %1 (default %1, every core).")
             .arg(kv::availableCores()),
         QStringLiteral("N")},
    });
}

BenchRequest parseRequest(const QStringList& arguments)
{
    QCommandLineParser parser;
    addOptions(parser);
    // parse() expects the program name first.
    if (!parser.parse(QStringList{QStringLiteral("kvcache-lab --bench")} + arguments))
        throw UsageError(parser.errorText().toStdString());
    if (parser.isSet("help"))
        return {std::nullopt, 1,
                CommandLine::helpText(parser, CommandLine::programName() + QStringLiteral(" --bench [options]"))};
    if (!parser.positionalArguments().isEmpty())
        throw UsageError("unexpected argument \"" + parser.positionalArguments().constFirst().toStdString() + "\"");
    if (parser.isSet("shape") && parser.isSet("model"))
        throw UsageError("--shape and --model both name the weights to time; give one of them");
    const int tokens = parseCount(parser, "tokens", 100);
    const int promptTokens = parseCount(parser, "prompt-tokens", 1);
    const int threads = parseCount(parser, "threads", kv::availableCores());
    if (threads < 1 || threads > kv::availableCores())
        throw UsageError("--threads must be between 1 and " + std::to_string(kv::availableCores())
                         + " (this machine's cores), got " + std::to_string(threads));
    if (parser.isSet("model")) {
        const std::string path = parser.value("model").toStdString();
        return {kv::BenchmarkRunner(path, kv::ModelBundle::load(path).model, promptTokens, tokens), threads, {}};
    }
    const std::string shape = parser.isSet("shape") ? parser.value("shape").toStdString() : "gpt2-small";
    return {kv::BenchmarkRunner(kv::BenchmarkShape::get(shape), promptTokens, tokens), threads, {}};
}

void printHeader(const kv::BenchmarkRunner& runner, const kv::MachineRates& rates, std::ostream& out)
{
    const kv::ModelConfig& config = runner.shape().config;
    out << (runner.usesLoadedModel() ? "model: " : "shape: ") << runner.shape().name << " (" << config.nLayer
        << " layers, d=" << config.nEmbd << ", " << config.nHead << " heads";
    if (config.nKvHead != config.nHead)
        out << " sharing " << config.nKvHead << " KV heads";
    out << ", vocab " << config.vocabSize << ", context " << config.nPositions << ", "
        << kv::groupDigits(runner.shape().parameters()) << " parameters, float32, "
        << (runner.usesLoadedModel() ? "its own weights" : "random weights") << ")\n"
        << "prompt_tokens: " << runner.promptTokens() << "\n"
        << "new_tokens: " << runner.newTokens() << "\n"
        << "threads: " << rates.threads << "\n"
        << "machine_gflops: " << rates.peakGflops() << "\n"
        << "machine_gflops_by_rows:";
    for (const kv::MatmulRate& point : rates.matmulCurve)
        out << " " << point.rows << "=" << point.gflops;
    out << "\n"
        << "machine_gbps: " << rates.gbps << "\n"
        << "# the ceilings, measured on all threads before the run: machine_gflops is OpenBLAS sgemm at "
        << kv::MachineRates::kPeakSize << "x" << kv::MachineRates::kPeakSize << "x" << kv::MachineRates::kPeakSize
        << ",\n"
        << "# machine_gbps a read of " << kv::MachineRates::streamBytes() / (1 << 20)
        << " MiB; machine_gflops_by_rows is sgemm with few rows (rows=GFLOP/s, weights in cache)\n"
        << "# step 0 is the prompt's pass (cached: the prefill); roofline = the sum over the pass's operations\n"
        << "# (each weight product, each layer's attention, the LM head, ...) of max(flops / machine_gflops,\n"
        << "# bytes / the bandwidth around it); uncached_gflops is the rate the uncached pass attained;\n"
        << "# between two passes, a read of " << kv::BandwidthProbe::kProbeBytes / (1 << 20)
        << " MiB on all threads: each pass is priced at the mean of the reads just before and after it\n"
        << "# (cached_gbps, uncached_gbps), the bandwidth the machine had while it ran\n"
        << "# step  seq_len  cached_ms  uncached_ms  cached_roofline_ms  uncached_roofline_ms  cached_bound  "
           "uncached_bound  cached_macs  uncached_macs  uncached_gflops  cached_gbps  uncached_gbps\n"
        << std::flush;
}

const char* bound(const kv::BenchmarkStep& step)
{
    return step.memoryBound() ? "memory" : "compute";
}

// Both paths of a step, once the uncached one (which runs second) is done.
void printStep(const kv::BenchmarkStep& cached, const kv::BenchmarkStep& uncached, std::ostream& out)
{
    out << std::setw(6) << cached.step << std::setw(9) << cached.sequenceLength << std::setw(11) << cached.wallMs
        << std::setw(13) << uncached.wallMs << std::setw(20) << cached.rooflineMs() << std::setw(22)
        << uncached.rooflineMs() << std::setw(14) << bound(cached) << std::setw(16) << bound(uncached)
        << std::setw(13) << cached.macs << std::setw(15) << uncached.macs << std::setw(17)
        << 2.0 * static_cast<double>(uncached.macs) / (uncached.wallMs * 1e6) << std::setw(13) << cached.gbps
        << std::setw(15) << uncached.gbps << "\n"
        << std::flush;
}

const char* boundOf(const kv::BenchmarkSummary& summary, kv::DecodeMode path)
{
    return summary.memoryBoundShare(path) >= 0.5 ? "memory" : "compute";
}

// Tokens a second at `msPerToken`; 0 when no decode step was timed.
double tokensPerSecond(double msPerToken)
{
    return msPerToken > 0.0 ? 1000.0 / msPerToken : 0.0;
}

void printSummary(const kv::BenchmarkSummary& summary, std::ostream& out)
{
    using kv::DecodeMode;
    out << "# fraction_of_roofline = roofline time / wall time over the run (1: at the machine's limits);\n"
        << "# the bound is the ceiling of most of the path's roofline time\n"
        << "cached_bound: " << boundOf(summary, DecodeMode::Cached) << "\n"
        << "uncached_bound: " << boundOf(summary, DecodeMode::Uncached) << "\n"
        << "cached_fraction_of_roofline: " << summary.fractionOfRoofline(DecodeMode::Cached) << "\n"
        << "uncached_fraction_of_roofline: " << summary.fractionOfRoofline(DecodeMode::Uncached) << "\n"
        << "decode_tok_per_s_cached: " << tokensPerSecond(summary.decodeMsPerTokenCached()) << "\n"
        << "decode_tok_per_s_uncached: " << tokensPerSecond(summary.decodeMsPerTokenUncached()) << "\n"
        << "prefill_ms: " << summary.prefillMs() << "\n"
        << "decode_ms_per_token_cached: " << summary.decodeMsPerTokenCached() << "\n"
        << "decode_ms_per_token_uncached: " << summary.decodeMsPerTokenUncached() << "\n"

        << "predicted_speedup: " << summary.predictedSpeedup() << "\n"
        << "roofline_speedup: " << summary.rooflineSpeedup() << "\n"
        << "measured_speedup: " << summary.measuredSpeedup() << "\n";
}

// The bandwidth the run's reads between passes saw, and what the ceilings
// alone would have predicted.
void printBandwidthDuring(const kv::BenchmarkSummary& summary, const kv::BenchmarkSummary& atCeilings,
                          std::ostream& out)
{
    using kv::DecodeMode;
    const kv::BenchmarkSummary::Spread spread = summary.bandwidthSpread();
    out << "# the reads between passes (GB/s): lowest, median, highest; the mean each path was priced at;\n"
        << "# the roofline speedup at the best ceilings alone, as if the bandwidth had held still\n"
        << "machine_gbps_during_min: " << spread.min << "\n"
        << "machine_gbps_during_median: " << spread.median << "\n"
        << "machine_gbps_during_max: " << spread.max << "\n"
        << "cached_priced_gbps: " << summary.pricedGbps(DecodeMode::Cached) << "\n"
        << "uncached_priced_gbps: " << summary.pricedGbps(DecodeMode::Uncached) << "\n"
        << "roofline_speedup_at_best_ceilings: " << atCeilings.rooflineSpeedup() << "\n";
}

void runBenchmark(const kv::BenchmarkRunner& runner, int threads, std::ostream& out)
{
    out << std::fixed << std::setprecision(3);
    const kv::MachineRates rates = runner.measureRates(threads);
    printHeader(runner, rates, out);
    const kv::BandwidthProbe probe;
    kv::BenchmarkStep lastCached;
    const kv::BenchmarkSummary run = runner.run(
        rates,
        [&](const kv::BenchmarkStep& step) {
            if (step.path == kv::DecodeMode::Cached)
                lastCached = step;
            else
                printStep(lastCached, step, out);
            return true;
        },
        [&probe] { return probe.readGbps(); });
    const kv::MachineRates after = runner.measureRates(threads);
    const kv::MachineRates best = kv::MachineRates::best(rates, after);
    out << "# the ceilings measured again after the run; the figures below price every pass at the better\n"
        << "# compute ceiling of the two and at the bandwidth read around it\n"
        << "machine_gflops_after: " << after.peakGflops() << "\n"
        << "machine_gbps_after: " << after.gbps << "\n"
        << "machine_gflops_best: " << best.peakGflops() << "\n"
        << "machine_gbps_best: " << best.gbps << "\n";
    printBandwidthDuring(run, runner.pricedAtCeilings(run, best), out);
    printSummary(runner.repriced(run, best), out);
}

} // namespace

int runBenchCommand(const QStringList& arguments, std::ostream& out, std::ostream& err)
{
    try {
        const BenchRequest request = parseRequest(arguments);
        if (!request.runner) {
            out << request.helpText.toStdString();
            return 0;
        }
        runBenchmark(*request.runner, request.threads, out);
        return 0;
    } catch (const kv::KvError& error) {
        err << "kvcache-lab --bench: " << error.what() << "\n";
        return 2;
    }
}

} // namespace kvlab
