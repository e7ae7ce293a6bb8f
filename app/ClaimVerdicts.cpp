#include "ClaimVerdicts.h"

#include "MemoryCalculator.h"
#include "ModelPresets.h"

#include "NumberFormat.h"

namespace kvlab {

namespace {

QString gigabytes(std::int64_t bytes)
{
    return QStringLiteral("%1 GB").arg(static_cast<double>(bytes) / 1e9, 0, 'f', 1);
}

QString grouped(std::int64_t value)
{
    return QString::fromStdString(kv::groupDigits(value));
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

} // namespace

QString ClaimVerdicts::thirteenBOnA100()
{
    const auto split = calculator("OPT-13B", 2048, 7).split(kv::GpuPreset::get("A100-40GB"));
    return tr("OPT-13B in fp16 on an A100 40 GB, batch 7 × 2,048 tokens: weights %1 = %2%, KV cache %3 = %4%, "
              "%5 left. The claim (≈65% / ≈30%) holds for this batch × context; halve the batch and the cache share "
              "halves too.")
        .arg(gigabytes(split.weightsBytes))
        .arg(100 * split.weightsShare(), 0, 'f', 1)
        .arg(gigabytes(split.cacheBytes))
        .arg(100 * split.cacheShare(), 0, 'f', 1)
        .arg(gigabytes(split.leftBytes));
}

QString ClaimVerdicts::llama3PerToken()
{
    const auto withoutGqa = calculator("Llama-3-70B", 4096, 1, 64);
    const auto withGqa = calculator("Llama-3-70B", 4096, 1);
    return tr("Llama-3-70B in fp16: %1 B per token only if every one of its 64 heads kept its own K and V "
              "(2 × 2 B × 80 × 8192) — that is the ≈2.5 MB of the claim. With its 8 KV heads × 128 (GQA) it is "
              "%2 B (320 KiB) per token: %3 for 4,096 tokens, not 10.5 GB.")
        .arg(grouped(withoutGqa.bytesPerToken()))
        .arg(grouped(withGqa.bytesPerToken()))
        .arg(gigabytes(withGqa.totalBytes()));
}

QString ClaimVerdicts::fiveTimesFaster(const kv::BenchmarkSummary& summary)
{
    const double measured = summary.measuredSpeedup();
    const QString verdict = measured >= 4.0 && measured <= 6.0 ? tr("reproduced") : tr("not reproduced here");
    const auto bound = [&](kv::DecodeMode path) {
        return summary.memoryBoundShare(path) >= 0.5 ? tr("memory-bound") : tr("compute-bound");
    };
    return tr("%1 tokens on %2's shape, threads: %3. The cache made generation %4× faster on this machine "
              "(the claim: ≈5×, %5). Multiply-adds predict %6×, but the two paths hit different ceilings. "
              "A cached step multiplies one token by every weight, so it waits on memory (%7, %8% of its "
              "roofline); the uncached pass multiplies the whole prefix again, so it waits on arithmetic (%9, "
              "%10% of its roofline). With both paths at the machine's limits the roofline predicts %11×. "
              "The ratio is no constant: it grows with the length (the recomputation grows with it, a cached "
              "step hardly does), moves with the model's shape and the machine's balance of bandwidth to "
              "arithmetic, and with how fast each path's code is: a slow recomputation inflates it, a slow "
              "cached step shrinks it.")
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
