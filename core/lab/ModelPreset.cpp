#include "core/lab/ModelPreset.h"

#include "core/model/CostModel.h"
#include "core/model/WeightTable.h"

#include <cstdio>

namespace kv {

std::string ModelPreset::attentionName() const
{
    if (attention == AttentionKind::LatentMla)
        return "MLA";
    if (kvHeads == heads)
        return "MHA";
    return kvHeads == 1 ? "MQA" : "GQA";
}

std::string ModelPreset::attentionNote() const
{
    if (attention != AttentionKind::LatentMla)
        return {};
    // Elements per token and layer if every head kept its own K and V (one byte each, one layer).
    const std::int64_t standard = CostModel::kvBytes(1, heads, headDim, 1, 1, 1);
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.1f", double(standard) / double(latentElements()));
    return "MLA caches one compressed latent per token per layer: kv_lora_rank " + std::to_string(latentRank)
        + " + RoPE key " + std::to_string(latentRopeDim) + " = " + std::to_string(latentElements())
        + " elements, not 2 x heads x head_dim (2 x " + std::to_string(heads) + " x " + std::to_string(headDim)
        + " = " + std::to_string(standard) + ", " + ratio
        + "x more); keys and values are re-expanded from the latent when attending";
}

ModelPreset ModelPreset::fromConfig(const ModelConfig& config)
{
    ModelPreset preset;
    preset.name = "the live model" + (config.name.empty() ? std::string() : " (" + config.name + ")");
    preset.layers = config.nLayer;
    preset.heads = config.nHead;
    preset.kvHeads = config.nKvHead;
    preset.headDim = config.headDim();
    preset.hiddenSize = config.nEmbd;
    preset.parameters = parameterCount(config);
    preset.maxContext = config.nPositions;
    preset.source = "config.json of the model the app runs (" + familyName(config.family) + ", float32)";
    return preset;
}

} // namespace kv
