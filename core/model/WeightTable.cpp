#include "core/model/WeightTable.h"

#include <numeric>

namespace kv {

namespace {

using Shape = std::vector<std::int64_t>;
using R = WeightRole;
using S = WeightStorage;

// GPT-2 checkpoints: Conv1D matrices (in, out), q|k|v fused in c_attn, biases
// (unless the config turns them off), LayerNorm gains and biases, learned positions, the LM
// head tied to wte.
std::vector<WeightEntry> gpt2Table(const ModelConfig& c)
{
    const std::int64_t d = c.nEmbd, qkv = c.qkvWidth(), hidden = c.mlpWidth(), q = c.qDim();
    std::vector<WeightEntry> table{
        {"wte.weight", {c.vocabSize, d}, S::Table, R::TokenEmbedding},
        {"wpe.weight", {c.nPositions, d}, S::Table, R::PositionEmbedding},
    };
    for (int i = 0; i < c.nLayer; ++i) {
        const std::string p = "h." + std::to_string(i) + ".";
        table.push_back({p + "ln_1.weight", {d}, S::Vector, R::AttnNormGain, i});
        table.push_back({p + "ln_1.bias", {d}, S::Vector, R::AttnNormBias, i});
        table.push_back({p + "attn.c_attn.weight", {d, qkv}, S::InOut, R::Qkv, i});
        if (c.attentionBias)
            table.push_back({p + "attn.c_attn.bias", {qkv}, S::Vector, R::QkvBias, i});
        table.push_back({p + "attn.c_proj.weight", {q, d}, S::InOut, R::AttnOut, i});
        if (c.attentionBias)
            table.push_back({p + "attn.c_proj.bias", {d}, S::Vector, R::AttnOutBias, i});
        table.push_back({p + "ln_2.weight", {d}, S::Vector, R::MlpNormGain, i});
        table.push_back({p + "ln_2.bias", {d}, S::Vector, R::MlpNormBias, i});
        table.push_back({p + "mlp.c_fc.weight", {d, hidden}, S::InOut, R::Up, i});
        if (c.mlpBias)
            table.push_back({p + "mlp.c_fc.bias", {hidden}, S::Vector, R::UpBias, i});
        table.push_back({p + "mlp.c_proj.weight", {hidden, d}, S::InOut, R::Down, i});
        if (c.mlpBias)
            table.push_back({p + "mlp.c_proj.bias", {d}, S::Vector, R::DownBias, i});
    }
    table.push_back({"ln_f.weight", {d}, S::Vector, R::FinalNormGain});
    table.push_back({"ln_f.bias", {d}, S::Vector, R::FinalNormBias});
    return table;
}

// Hugging Face Llama checkpoints: nn.Linear matrices (out, in), separate q, k,
// v projections (with biases when attention_bias, as Qwen2), RMSNorm gains
// only, no position table, lm_head only when not tied.
std::vector<WeightEntry> llamaTable(const ModelConfig& c)
{
    const std::int64_t d = c.nEmbd, q = c.qDim(), kv = c.kvDim(), hidden = c.mlpWidth();
    const int kCol = c.qDim(), vCol = c.qDim() + c.kvDim();
    std::vector<WeightEntry> table{{"model.embed_tokens.weight", {c.vocabSize, d}, S::Table, R::TokenEmbedding}};
    for (int i = 0; i < c.nLayer; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        table.push_back({p + "input_layernorm.weight", {d}, S::Vector, R::AttnNormGain, i});
        table.push_back({p + "self_attn.q_proj.weight", {q, d}, S::OutIn, R::Qkv, i, 0});
        table.push_back({p + "self_attn.k_proj.weight", {kv, d}, S::OutIn, R::Qkv, i, kCol});
        table.push_back({p + "self_attn.v_proj.weight", {kv, d}, S::OutIn, R::Qkv, i, vCol});
        if (c.attentionBias) {
            table.push_back({p + "self_attn.q_proj.bias", {q}, S::Vector, R::QkvBias, i, 0});
            table.push_back({p + "self_attn.k_proj.bias", {kv}, S::Vector, R::QkvBias, i, kCol});
            table.push_back({p + "self_attn.v_proj.bias", {kv}, S::Vector, R::QkvBias, i, vCol});
        }
        table.push_back({p + "self_attn.o_proj.weight", {d, q}, S::OutIn, R::AttnOut, i});
        table.push_back({p + "post_attention_layernorm.weight", {d}, S::Vector, R::MlpNormGain, i});
        table.push_back({p + "mlp.gate_proj.weight", {hidden, d}, S::OutIn, R::Gate, i});
        table.push_back({p + "mlp.up_proj.weight", {hidden, d}, S::OutIn, R::Up, i});
        table.push_back({p + "mlp.down_proj.weight", {d, hidden}, S::OutIn, R::Down, i});
        if (c.mlpBias) {
            table.push_back({p + "mlp.gate_proj.bias", {hidden}, S::Vector, R::GateBias, i});
            table.push_back({p + "mlp.up_proj.bias", {hidden}, S::Vector, R::UpBias, i});
            table.push_back({p + "mlp.down_proj.bias", {d}, S::Vector, R::DownBias, i});
        }
    }
    table.push_back({"model.norm.weight", {d}, S::Vector, R::FinalNormGain});
    if (!c.tiedClassifier)
        table.push_back({"lm_head.weight", {c.vocabSize, d}, S::Table, R::Classifier});
    return table;
}

} // namespace

std::int64_t WeightEntry::elements() const
{
    return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
}

std::int64_t WeightEntry::outputs() const
{
    switch (storage) {
    case WeightStorage::Vector:
        return shape[0];
    case WeightStorage::OutIn:
        return shape[0];
    case WeightStorage::Table:
    case WeightStorage::InOut:
        return shape[1];
    }
    return 0;
}

std::vector<WeightEntry> weightTable(const ModelConfig& config)
{
    switch (config.family) {
    case ModelFamily::Gpt2:
        return gpt2Table(config);
    case ModelFamily::Llama:
        return llamaTable(config);
    }
    return {};
}

std::int64_t parameterCount(const ModelConfig& config)
{
    std::int64_t total = 0;
    for (const WeightEntry& entry : weightTable(config))
        total += entry.elements();
    return total;
}

std::pair<std::int64_t, std::int64_t> memoryShape(WeightRole role, const ModelConfig& c)
{
    const std::int64_t d = c.nEmbd, hidden = c.mlpWidth();
    switch (role) {
    case R::TokenEmbedding:
    case R::Classifier:
        return {c.vocabSize, d};
    case R::PositionEmbedding:
        return {c.nPositions, d};
    case R::Qkv:
        return {d, c.qkvWidth()};
    case R::QkvBias:
        return {1, c.qkvWidth()};
    case R::AttnOut:
        return {c.qDim(), d};
    case R::Up:
    case R::Gate:
        return {d, hidden};
    case R::UpBias:
    case R::GateBias:
        return {1, hidden};
    case R::Down:
        return {hidden, d};
    case R::AttnNormGain:
    case R::AttnNormBias:
    case R::AttnOutBias:
    case R::MlpNormGain:
    case R::MlpNormBias:
    case R::DownBias:
    case R::FinalNormGain:
    case R::FinalNormBias:
        return {1, d};
    }
    return {0, 0};
}

bool isNormGain(WeightRole role)
{
    return role == R::AttnNormGain || role == R::MlpNormGain || role == R::FinalNormGain;
}

} // namespace kv
