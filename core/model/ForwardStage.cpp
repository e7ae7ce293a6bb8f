#include "core/model/ForwardStage.h"

namespace kv {

const char* stageName(ForwardStage stage)
{
    switch (stage) {
    case ForwardStage::AttnNorm: return "attn_norm";
    case ForwardStage::QBeforeRope: return "q_before_rope";
    case ForwardStage::KBeforeRope: return "k_before_rope";
    case ForwardStage::Q: return "q";
    case ForwardStage::K: return "k";
    case ForwardStage::V: return "v";
    case ForwardStage::AttnOutput: return "attn_output";
    case ForwardStage::MlpNorm: return "mlp_norm";
    case ForwardStage::MlpOutput: return "mlp_output";
    case ForwardStage::Logits: return "logits";
    }
    return "unknown";
}

} // namespace kv
