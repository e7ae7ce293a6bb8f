#pragma once

#include "core/lab/GpuPreset.h"
#include "core/lab/MemoryCalculator.h"
#include "views/memory/MemorySeries.h"

#include <optional>
#include <vector>

namespace kvlab {

// Everything the memory calculator panel shows for one set of inputs, all of
// it from kv::MemoryCalculator. compute() either builds the whole report or
// throws CalculatorError, so a bad input never leaves half a display behind.
struct MemoryReport {
    // Points per curve, at most (fewer when the span has fewer whole values).
    static constexpr int kMaxPoints = 64;

    kv::MemoryCalculator calculator;
    std::optional<kv::GpuPreset> gpu;
    std::optional<kv::MemoryCalculator::GpuSplit> split;     // with a GPU
    std::optional<std::int64_t> tokensThatFit;               // with a GPU: per sequence at this batch
    std::vector<MemorySeries> byContext;                     // the model's own KV heads, MHA, MQA
    MemorySeries byBatch;                                    // at the chosen context and KV heads

    static MemoryReport compute(const kv::ModelPreset& model, const kv::MemorySettings& settings,
                                const std::optional<kv::GpuPreset>& gpu);

    // The tokens the context chart spans: the chosen context or the model's trained maximum.
    static std::int64_t contextSpan(const kv::ModelPreset& model, std::int64_t context);
    // The sequences the batch chart spans: at least 16, at least twice the chosen batch.
    static std::int64_t batchSpan(std::int64_t batch);
    // min(kMaxPoints, span) whole values spread evenly over 1..span, ending at span.
    static QVector<double> samples(std::int64_t span);
};

} // namespace kvlab
