#pragma once

#include "views/playback/Lesson.h"

#include <memory>
#include <vector>

namespace kvtest {

// A walk-through ready to show, as the window builds one (uncached passes on
// demand): `maxNew` new tokens, or until [EOS] when it is 0.
std::shared_ptr<const kvlab::Lesson> lessonFor(const std::shared_ptr<const kv::Transformer>& model,
                                               const std::shared_ptr<const kv::Tokenizer>& tokenizer,
                                               const std::vector<int>& prompt, int maxNew);

} // namespace kvtest
