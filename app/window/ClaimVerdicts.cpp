#include "app/window/ClaimVerdicts.h"

#include "core/lab/MemoryCalculator.h"
#include "core/lab/ModelPresets.h"

#include "core/util/NumberFormat.h"
#include "views/diagrams/ByteText.h"
#include "core/tensor/DataType.h"
#include "core/lab/GpuPreset.h"

namespace kvlab {

namespace {

// The seed articles' own figures, quoted as the claims under test. Every
// other number in a verdict comes from the memory calculator.
constexpr double kClaimedWeightsShare = 0.65;   // "about 65% of memory for weights"
constexpr double kClaimedCacheShare = 0.30;     // "about 30% for the KV cache"
constexpr double kClaimedMegabytesPerToken = 2.5; // Llama-3-70B, "about 2.5 MB per token"
constexpr double kClaimedGigabytes = 10.5;        // "about 10.5 GB for 4k tokens"
constexpr std::int64_t kClaimContext = 4096;      // "4k tokens"
// The setting under which the 13B claim is checked: the batch and context
// that reproduce its split on the GPU it names.
constexpr std::int64_t kThirteenBContext = 2048;
constexpr std::int64_t kThirteenBBatch = 7;

QString grouped(std::int64_t value)
{
    return QString::fromStdString(kv::groupDigits(value));
}

QString percent(double share)
{
    return QStringLiteral("%1%").arg(100 * share, 0, 'f', 1);
}

kv::MemoryCalculator calculator(const char* preset, std::int64_t context, std::int64_t batch,
                                std::optional<int> kvHeads = std::nullopt)
{
    kv::MemorySettings settings;
    settings.dataType = kv::DataType::Fp16;
    settings.context = context;
    settings.batch = batch;
    settings.kvHeads = kvHeads;
    return kv::MemoryCalculator(kv::ModelPresets::get(preset), settings);
}

// "2 × 2 B × 80 layers × 64 KV heads × 128 head_dim": the per-token factors of the formula.
QString perTokenFormula(const kv::MemoryCalculator& calculator)
{
    QStringList factors;
    for (const auto& factor : calculator.factors(1, 1))
        factors << QString::fromStdString(factor.text);
    factors.removeLast(); // "1 batch"
    factors.removeLast(); // "1 tokens"
    return factors.join(QStringLiteral(" × "));
}

} // namespace

QString ClaimVerdicts::thirteenBOnA100()
{
    const kv::GpuPreset gpu = kv::GpuPreset::get("A100-40GB");
    const auto opt = calculator("OPT-13B", kThirteenBContext, kThirteenBBatch);
    const auto split = opt.split(gpu);
    return tr("%1 in %2 on an %3, batch %4 × %5 tokens: weights %6 = %7, KV cache %8 = %9, %10 left. "
              "The claim (≈%11 / ≈%12) holds for this batch × context; halve the batch and the cache share "
              "halves too.")
        .arg(QString::fromStdString(opt.model().name), QString::fromStdString(kv::dataTypeName(opt.settings().dataType)),
             gpuLabel(gpu.name))
        .arg(opt.settings().batch)
        .arg(grouped(opt.settings().context))
        .arg(decimalBytes(split.weightsBytes), percent(split.weightsShare()), decimalBytes(split.cacheBytes),
             percent(split.cacheShare()), decimalBytes(split.leftBytes))
        .arg(QStringLiteral("%1%").arg(100 * kClaimedWeightsShare, 0, 'f', 0),
             QStringLiteral("%1%").arg(100 * kClaimedCacheShare, 0, 'f', 0));
}

QString ClaimVerdicts::llama3PerToken()
{
    const kv::ModelPreset preset = kv::ModelPresets::get("Llama-3-70B");
    const auto withoutGqa = calculator("Llama-3-70B", kClaimContext, 1, preset.heads);
    const auto withGqa = calculator("Llama-3-70B", kClaimContext, 1);
    return tr("%1 in %2: %3 per token (%4) only if every one of its %5 heads kept its own K and V (%6) — the "
              "claim's ≈%7 MB — and %8 for %9 tokens, the claim's ≈%10 GB. With its %11 KV heads (GQA: %12) it "
              "is %13 (%14) per token: %15 for %9 tokens.")
        .arg(QString::fromStdString(preset.name), QString::fromStdString(kv::dataTypeName(withGqa.settings().dataType)),
             exactBytes(withoutGqa.bytesPerToken()), decimalBytes(withoutGqa.bytesPerToken()))
        .arg(preset.heads)
        .arg(perTokenFormula(withoutGqa))
        .arg(kClaimedMegabytesPerToken)
        .arg(decimalBytes(withoutGqa.totalBytes()), grouped(withoutGqa.cachedTokens()))
        .arg(kClaimedGigabytes)
        .arg(preset.kvHeads)
        .arg(perTokenFormula(withGqa), exactBytes(withGqa.bytesPerToken()), roundedBytes(withGqa.bytesPerToken()),
             decimalBytes(withGqa.totalBytes()));
}

QString ClaimVerdicts::fiveTimesFaster(const kv::BenchmarkSummary& summary)
{
    const double measured = summary.measuredSpeedup();
    const QString verdict = measured >= 4.0 && measured <= 6.0 ? tr("reproduced") : tr("not reproduced here");
    const auto bound = [&](kv::DecodeMode path) {
        return summary.memoryBoundShare(path) >= 0.5 ? tr("bound by memory bandwidth") : tr("bound by arithmetic");
    };
    QString text =
        tr("%1 tokens on %2's shape, threads: %3. The cache made generation %4× faster on this machine "
           "(the claim: ≈5×, %5). Multiply-adds predict %6×, but the two paths hit different ceilings. "
           "A cached decode step multiplies one token by every weight, so it waits on memory: it is %7 (at %8% "
           "of its roofline). The uncached pass multiplies the whole prefix again, so it waits on arithmetic: it "
           "is %9 (at %10% of its roofline). The roofline prices a pass operation by operation, each at the "
           "slower of its arithmetic and its memory traffic (in one uncached pass the products wait on arithmetic "
           "while the one-row LM head waits on memory); with both paths at the machine's limits it predicts %11×. ")
            .arg(summary.comparedSteps())
            .arg(QString::fromStdString(summary.shape))
            .arg(summary.rates.threads)
            .arg(measured, 0, 'f', 1)
            .arg(verdict)
            .arg(summary.predictedSpeedup(), 0, 'f', 1)
            .arg(bound(kv::DecodeMode::Cached))
            .arg(100 * summary.fractionOfRoofline(kv::DecodeMode::Cached), 0, 'f', 0)
            .arg(bound(kv::DecodeMode::Uncached))
            .arg(100 * summary.fractionOfRoofline(kv::DecodeMode::Uncached), 0, 'f', 0)
            .arg(summary.rooflineSpeedup(), 0, 'f', 1);
    if (!summary.bandwidthReads.empty()) {
        const kv::BenchmarkSummary::Spread spread = summary.bandwidthSpread();
        text += tr("The memory itself is no constant either: read between the steps it gave %1–%2 GB/s (median "
                   "%3), and the cached path's time follows it, so the measured ratio moves from run to run "
                   "while the multiply-adds stay put. ")
                    .arg(spread.min, 0, 'f', 1)
                    .arg(spread.max, 0, 'f', 1)
                    .arg(spread.median, 0, 'f', 1);
    }
    return text
        + tr("So the ratio is no constant: it grows with the length (the recomputation grows with it, a cached "
             "step hardly does), moves with the model's shape and the machine's balance of bandwidth to "
             "arithmetic, and with how fast each path's code is: a slow recomputation inflates it, a slow cached "
             "step shrinks it.");
}

QString ClaimVerdicts::firstTokenSlower(const kv::BenchmarkSummary& summary)
{
    const double prefill = summary.prefillMs();
    const double decode = summary.decodeMsPerTokenCached();
    return tr("Time to first token (prefill of %1 prompt tokens): %2 ms; each cached decode step after it: %3 ms. "
              "The first token is %4.")
        .arg(summary.promptTokens)
        .arg(prefill, 0, 'f', 2)
        .arg(decode, 0, 'f', 2)
        .arg(prefill > decode ? tr("%1× slower").arg(prefill / decode, 0, 'f', 1) : tr("not slower on this run"));
}

} // namespace kvlab
