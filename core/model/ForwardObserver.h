#pragma once

#include "core/model/ForwardStage.h"
#include "core/model/HeadRecord.h"

namespace kv {

// Listens to a forward pass. The model builds records and calls these only
// when an observer is attached, so an unobserved pass pays nothing.
class ForwardObserver {
public:
    virtual ~ForwardObserver() = default;
    // One attention head: its q, k, v, scores, weights and output.
    virtual void onHead(HeadRecord&& record) = 0;
    // A labelled intermediate of layer `layer` (-1 for the logits), as a view
    // of the pass's own buffer: valid only during the call, copy what you keep.
    virtual void onStage(int layer, ForwardStage stage, const Eigen::Ref<const Matrix>& value)
    {
        (void)layer;
        (void)stage;
        (void)value;
    }
};

} // namespace kv
