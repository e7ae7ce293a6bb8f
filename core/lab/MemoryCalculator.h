#pragma once

#include "core/lab/GpuPreset.h"
#include "core/lab/MemorySettings.h"
#include "core/model/ModelConfig.h"
#include "core/lab/ModelPreset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kv {

// The KV cache's memory for a model shape, a dtype, a context and a batch:
//   2 x bytes/element x layers x kv_heads x head_dim x tokens x batch
// (CostModel::kvBytes), or for MLA bytes/element x layers x latent x tokens x
// batch. Sizes are counted in bits underneath, so int4's half byte is exact.
// The constructor validates everything and throws CalculatorError.
class MemoryCalculator {
public:
    struct GpuSplit {
        std::int64_t gpuBytes = 0;
        std::int64_t weightsBytes = 0;
        std::int64_t cacheBytes = 0;
        std::int64_t leftBytes = 0; // negative: weights and cache do not fit

        double weightsShare() const { return double(weightsBytes) / double(gpuBytes); }
        double cacheShare() const { return double(cacheBytes) / double(gpuBytes); }
        bool fits() const { return leftBytes >= 0; }
    };

    // One factor of the formula: how it reads ("2 B", "80 layers") and its
    // value, bytes counted as bits ("2 B" is 16), so the product of the values
    // is the cache's size in bits.
    struct Factor {
        std::int64_t value;
        std::string text;
    };

    MemoryCalculator(ModelPreset model, MemorySettings settings);
    // The live model at the cache the core allocates for it: float32, its full context, batch 1.
    static MemoryCalculator fromConfig(const ModelConfig& config);

    // The model as calculated: a kv-heads override is already applied.
    const ModelPreset& model() const { return m_model; }
    const MemorySettings& settings() const { return m_settings; }

    // Tokens per sequence the cache holds: the context, capped by a sliding window.
    std::int64_t cachedTokens() const;
    bool windowCaps() const { return cachedTokens() < m_settings.context; }
    // One token of one sequence, over all layers.
    std::int64_t bytesPerToken() const;
    std::int64_t totalBytes() const;
    std::int64_t weightsBytes() const;

    // The formula with the numbers filled in, ending "= 1,342,177,280 B".
    std::string formula() const;
    std::vector<Factor> factors(std::int64_t tokens, std::int64_t batch) const;
    // Remarks a learner needs to read the figure right (MLA, window, context
    // beyond the trained maximum, unknown parameter count).
    std::vector<std::string> notes() const;

    GpuSplit split(const GpuPreset& gpu) const;
    // Whole tokens per sequence whose K and V fit beside the weights at this
    // batch (0 when the weights alone do not fit). A sliding window stops the
    // cache growing, so past it any context fits: see cachedTokens().
    std::int64_t maxTokensThatFit(const GpuPreset& gpu, std::int64_t batch) const;

private:
    std::int64_t cacheBits(std::int64_t tokens, std::int64_t batch) const;
    std::string kvHeadsNote() const;
    std::string windowNote() const;
    std::string contextNote() const;
    static void requireGpu(const GpuPreset& gpu);

    int m_publishedKvHeads; // before any override
    ModelPreset m_model;
    MemorySettings m_settings;
};

} // namespace kv
