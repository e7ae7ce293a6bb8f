#include "views/memory/MemoryReport.h"

#include "core/util/NumberFormat.h"

#include <algorithm>

namespace kvlab {

namespace {

// The cache's bytes at each x, x being the context (tokens) or the batch.
QVector<double> bytesAlong(const kv::ModelPreset& model, kv::MemorySettings settings, const QVector<double>& xs,
                           bool xIsContext)
{
    QVector<double> bytes;
    bytes.reserve(xs.size());
    for (double x : xs) {
        (xIsContext ? settings.context : settings.batch) = static_cast<std::int64_t>(x);
        bytes << static_cast<double>(kv::MemoryCalculator(model, settings).totalBytes());
    }
    return bytes;
}

QString kvHeadsText(int kvHeads)
{
    return kvHeads == 1 ? QStringLiteral("1 KV head") : QStringLiteral("%1 KV heads").arg(kvHeads);
}

// The model as published, then the same query heads with one K/V head each
// (MHA) and with a single shared one (MQA). An MLA model's variants cache K and
// V per head instead of its latent, which shows what the latent saves.
std::vector<MemorySeries> contextVariants(const kv::ModelPreset& model, const kv::MemorySettings& chosen)
{
    kv::MemorySettings settings = chosen;
    settings.kvHeads.reset();
    const QVector<double> xs = MemoryReport::samples(MemoryReport::contextSpan(model, chosen.context));
    kv::ModelPreset standard = model;
    standard.attention = kv::AttentionKind::Standard;

    std::vector<MemorySeries> variants;
    const QString own = model.attention == kv::AttentionKind::LatentMla
        ? QStringLiteral("%1 latent elements").arg(model.latentElements())
        : kvHeadsText(model.kvHeads);
    variants.push_back({QStringLiteral("%1, %2's own: %3")
                            .arg(QString::fromStdString(model.attentionName()), QString::fromStdString(model.name), own),
                        xs, bytesAlong(model, settings, xs, true)});
    for (int kvHeads : {model.heads, 1}) {
        kv::ModelPreset variant = standard;
        variant.kvHeads = kvHeads;
        variants.push_back({QStringLiteral("%1: %2").arg(QString::fromStdString(variant.attentionName()),
                                                        kvHeadsText(kvHeads)),
                            xs, bytesAlong(variant, settings, xs, true)});
    }
    return variants;
}

} // namespace

MemoryReport MemoryReport::compute(const kv::ModelPreset& model, const kv::MemorySettings& settings,
                                   const std::optional<kv::GpuPreset>& gpu)
{
    MemoryReport report{kv::MemoryCalculator(model, settings), gpu, {}, {}, {}, {}};
    if (gpu) {
        report.split = report.calculator.split(*gpu);
        report.tokensThatFit = report.calculator.maxTokensThatFit(*gpu, settings.batch);
    }
    report.byContext = contextVariants(model, settings);
    const QVector<double> batches = samples(batchSpan(settings.batch));
    report.byBatch = {QStringLiteral("%1 tokens per sequence").arg(QString::fromStdString(kv::groupDigits(settings.context))), batches,
                      bytesAlong(model, settings, batches, false)};
    return report;
}

std::int64_t MemoryReport::contextSpan(const kv::ModelPreset& model, std::int64_t context)
{
    return std::max(context, model.maxContext);
}

std::int64_t MemoryReport::batchSpan(std::int64_t batch)
{
    return std::max<std::int64_t>(16, 2 * batch);
}

QVector<double> MemoryReport::samples(std::int64_t span)
{
    const std::int64_t count = std::min<std::int64_t>(kMaxPoints, span);
    QVector<double> xs;
    for (std::int64_t i = 1; i <= count; ++i)
        xs << static_cast<double>(i * span / count);
    return xs;
}

} // namespace kvlab
