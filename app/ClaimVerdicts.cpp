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
    return tr("%1 tokens on %2's shape: the cache made generation %3× faster on this machine (the claim: ≈5×, %4). "
              "Multiply-adds predict %5×, the roofline %6×.")
        .arg(summary.comparedSteps())
        .arg(QString::fromStdString(summary.shape))
        .arg(measured, 0, 'f', 1)
        .arg(verdict)
        .arg(summary.predictedSpeedup(), 0, 'f', 1)
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
