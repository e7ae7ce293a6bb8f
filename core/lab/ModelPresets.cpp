#include "core/lab/ModelPresets.h"

#include "core/util/NameMatching.h"

namespace kv {

namespace {

constexpr std::int64_t kMillion = 1'000'000;
constexpr std::int64_t kBillion = 1'000'000'000;

// Multi-head, grouped-query or multi-query attention: K and V per KV head.
ModelPreset standard(std::string name, int layers, int heads, int kvHeads, int headDim, int hidden,
                     std::int64_t parameters, std::int64_t maxContext, std::string source)
{
    ModelPreset preset;
    preset.name = std::move(name);
    preset.layers = layers;
    preset.heads = heads;
    preset.kvHeads = kvHeads;
    preset.headDim = headDim;
    preset.hiddenSize = hidden;
    preset.parameters = parameters;
    preset.maxContext = maxContext;
    preset.source = std::move(source);
    return preset;
}

ModelPreset mistral7b()
{
    ModelPreset preset = standard("Mistral-7B", 32, 32, 8, 128, 4096, 7'240 * kMillion, 32768,
                                  "Mistral 7B paper (Jiang et al. 2023) and v0.1 config.json: sliding window 4096");
    preset.slidingWindow = 4096;
    return preset;
}

ModelPreset deepSeekV3()
{
    // 128 heads of 128 value dims (keys have 128 + 64 RoPE dims); the cache holds only the latent.
    ModelPreset preset = standard("DeepSeek-V3", 61, 128, 128, 128, 7168, 671 * kBillion, 131072,
                                  "DeepSeek-V3 technical report (2024) and config.json: MLA, kv_lora_rank 512, "
                                  "qk_rope_head_dim 64, 128K context; 671B parameters in all, 37B active per token");
    preset.attention = AttentionKind::LatentMla;
    preset.latentRank = 512;
    preset.latentRopeDim = 64;
    return preset;
}

std::vector<ModelPreset> makePresets()
{
    return {
        standard("GPT-2-small", 12, 12, 12, 64, 768, 124'439'808, 1024,
                 "GPT-2 (Radford et al. 2019), Hugging Face gpt2 config: 124M parameters, LM head tied"),
        standard("GPT-3-175B", 96, 96, 96, 128, 12288, 175 * kBillion, 2048,
                 "GPT-3 paper (Brown et al. 2020), Table 2.1: d_model 12288, 96 heads of 128"),
        standard("OPT-13B", 40, 40, 40, 128, 5120, 13 * kBillion, 2048,
                 "OPT paper (Zhang et al. 2022), Table 1: 40 layers, 40 heads, d_model 5120"),
        standard("Llama-2-7B", 32, 32, 32, 128, 4096, 6'740 * kMillion, 4096,
                 "Llama 2 paper (Touvron et al. 2023) and config.json: multi-head attention"),
        standard("Llama-2-13B", 40, 40, 40, 128, 5120, 13 * kBillion, 4096,
                 "Llama 2 paper (Touvron et al. 2023) and config.json: multi-head attention"),
        standard("Llama-2-70B", 80, 64, 8, 128, 8192, 69 * kBillion, 4096,
                 "Llama 2 paper (Touvron et al. 2023) and config.json: grouped-query attention, 8 KV heads"),
        standard("Llama-3-8B", 32, 32, 8, 128, 4096, 8'030 * kMillion, 8192,
                 "Meta Llama 3 model card and config.json: grouped-query attention, 8 KV heads"),
        standard("Llama-3-70B", 80, 64, 8, 128, 8192, 70'600 * kMillion, 8192,
                 "Meta Llama 3 model card and config.json: grouped-query attention, 8 KV heads"),
        mistral7b(),
        deepSeekV3(),
    };
}

} // namespace

const std::vector<ModelPreset>& ModelPresets::all()
{
    static const std::vector<ModelPreset> presets = makePresets();
    return presets;
}

std::vector<std::string> ModelPresets::names()
{
    return namesOf(all());
}

std::optional<ModelPreset> ModelPresets::find(const std::string& name)
{
    return findByName(all(), name);
}

ModelPreset ModelPresets::get(const std::string& name)
{
    return getByName(all(), name, "model preset");
}

} // namespace kv
