#pragma once

#include "core/model/HeadRecord.h"

namespace kv {

// Listens to a forward pass. The model builds a HeadRecord only when an
// observer is attached, so an unobserved pass pays nothing.
class ForwardObserver {
public:
    virtual ~ForwardObserver() = default;
    virtual void onHead(HeadRecord&& record) = 0;
};

} // namespace kv
