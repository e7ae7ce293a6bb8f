#include "tests/support/TestLessons.h"

namespace kvtest {

std::shared_ptr<const kvlab::Lesson> lessonFor(const std::shared_ptr<const kv::Transformer>& model,
                                               const std::shared_ptr<const kv::Tokenizer>& tokenizer,
                                               const std::vector<int>& prompt, int maxNew)
{
    kv::GenerationSettings settings;
    settings.maxNewTokens = maxNew;
    settings.stopAtEos = maxNew == 0;
    auto walk = std::make_shared<kv::LazyWalkThrough>(
        model, kv::runWalkThrough(*model, prompt, settings, tokenizer->eosId(), kv::UncachedPasses::OnDemand),
        settings.sampling);
    auto lesson = std::make_shared<kvlab::Lesson>(std::move(walk));
    lesson->tokenizer = tokenizer;
    lesson->modelName = QString::fromStdString(model->config().name);
    return lesson;
}

} // namespace kvtest
