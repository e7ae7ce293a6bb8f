#include "app/window/LessonFactory.h"

#include "app/window/Generation.h"
#include "core/decode/TraceGenerator.h"
#include "core/lab/Demonstrations.h"
#include "core/model/CostModel.h"
#include "core/util/KvError.h"

namespace kvlab {

namespace {

// The tokens the correct (uncached) run picked over its first `shown` steps.
// Its passes may be pending: a step's pick is the next step's last input, and
// only the last step's pass has to run.
std::vector<int> correctTokens(const Lesson& lesson, int shown)
{
    std::vector<int> tokens;
    const auto& steps = lesson.run.uncached.steps;
    for (int step = 0; step < shown; ++step) {
        const auto next = static_cast<std::size_t>(step + 1);
        tokens.push_back(step + 1 < shown ? steps[next].inputTokens.back()
                                          : lesson.record(kv::DecodeMode::Uncached, step).chosenToken);
    }
    return tokens;
}

} // namespace

void LessonFactory::loadModel(const QString& directory, const QString& tokenizerPath)
{
    m_bundle = kv::ModelBundle::load(directory.toStdString(), {tokenizerPath.toStdString()});
}

void LessonFactory::setModel(kv::ModelBundle bundle)
{
    m_bundle = std::move(bundle);
}

std::vector<int> LessonFactory::encode(const QString& prompt) const
{
    if (!hasModel())
        throw kv::KvError("no model is loaded");
    // A model with a BOS token starts from it alone on an empty prompt, as llama2.c's run.c does.
    std::vector<int> ids = m_bundle.tokenizer->encode(prompt.toStdString());
    if (ids.empty())
        throw kv::KvError("the prompt is empty; type at least one word");
    return ids;
}

std::shared_ptr<Lesson> LessonFactory::wrap(kv::WalkThrough run, Lesson::Kind kind,
                                            const kv::SamplingSettings& sampling) const
{
    auto walk = std::make_shared<kv::LazyWalkThrough>(m_bundle.model, std::move(run), sampling);
    auto lesson = std::make_shared<Lesson>(std::move(walk));
    lesson->tokenizer = m_bundle.tokenizer;
    lesson->modelName = modelName();
    lesson->kind = kind;
    return lesson;
}

std::shared_ptr<const Lesson> LessonFactory::normal(const QString& prompt, const kv::GenerationSettings& settings) const
{
    const std::vector<int> tokens = encode(prompt);
    // The uncached passes run when their step is shown: a long walk-through on
    // a large model opens after the cached path alone has generated it.
    return wrap(kv::runWalkThrough(*m_bundle.model, tokens, settings, m_bundle.tokenizer->eosId(),
                                   kv::UncachedPasses::OnDemand),
                Lesson::Kind::Normal, settings.sampling);
}

int LessonFactory::plannedSteps(const std::vector<int>& tokens, const kv::GenerationSettings& settings) const
{
    const kv::ModelConfig& config = m_bundle.config();
    const int steps = kv::effectiveMaxNewTokens(config, tokens.size(), settings);
    kv::checkCapacity(config, static_cast<int>(tokens.size()), steps);
    return steps;
}

bool LessonFactory::generatesInBackground(const QString& prompt, const kv::GenerationSettings& settings) const
{
    const std::vector<int> tokens = encode(prompt);
    const int steps = plannedSteps(tokens, settings);
    const kv::CostModel costs(m_bundle.config());
    const auto length = static_cast<std::int64_t>(tokens.size());
    std::int64_t macs = costs.prefill(length).total();
    for (int step = 1; step < steps && macs <= kBackgroundMultiplyAdds; ++step)
        macs += costs.cachedStep(length + step).total();
    return macs > kBackgroundMultiplyAdds;
}

Generation* LessonFactory::generate(const QString& prompt, const kv::GenerationSettings& settings, QObject* parent) const
{
    std::vector<int> tokens = encode(prompt);
    const int steps = plannedSteps(tokens, settings);
    return new Generation(m_bundle.model, m_bundle.tokenizer, modelName(), std::move(tokens), steps, settings, parent);
}

std::shared_ptr<const Lesson> LessonFactory::staleCache(const QString& first, const QString& second,
                                                        const kv::GenerationSettings& settings) const
{
    auto lesson = wrap(kv::runStaleCacheDemo(*m_bundle.model, encode(first), encode(second), settings,
                                             m_bundle.tokenizer->eosId(), kv::UncachedPasses::OnDemand),
                       Lesson::Kind::StaleCache, settings.sampling);
    const auto& correct = lesson->record(kv::DecodeMode::Uncached, 0);
    const auto& wrong = lesson->run.cached.steps.front();
    lesson->banner = tr("Demonstration: the cache was not reset after “%1”. The prompt “%2” now attends to %3 rows "
                        "marked “stale”. Correct next token: “%4”; with the stale cache: “%5”.")
                         .arg(first, second)
                         .arg(lesson->run.staleCacheRows)
                         .arg(lesson->token(correct.chosenToken), lesson->token(wrong.chosenToken));
    return lesson;
}

std::shared_ptr<const Lesson> LessonFactory::frozenPosition(const QString& prompt,
                                                            const kv::GenerationSettings& settings) const
{
    auto lesson = wrap(kv::runFrozenPositionDemo(*m_bundle.model, encode(prompt), settings, m_bundle.tokenizer->eosId(),
                                                 kv::UncachedPasses::OnDemand),
                       Lesson::Kind::FrozenPosition, settings.sampling);
    // Quote only the steps the walk-through shows (the buggy run may go on to the context's end).
    const auto shown = static_cast<std::size_t>(lesson->stepCount());
    const auto correct = correctTokens(*lesson, lesson->stepCount());
    auto wrong = lesson->run.cached.generated();
    wrong.resize(std::min(wrong.size(), shown));
    const auto& decoded = lesson->run.cached.steps;
    const int frozenAt = decoded.size() > 1 ? decoded[1].positions.front() : decoded.front().positions.back();
    // Learned positions add the position's row to the embedding; RoPE rotates q and k by it.
    const bool rotary = m_bundle.config().position == kv::PositionKind::Rotary;
    lesson->banner = (rotary ? tr("Demonstration: current_pos is never advanced, so every new token's q and k are rotated "
                                  "to position %1, and every key goes into the cache rotated to position %1. "
                                  "Over the %2 steps shown, correct: “%3”; with the bug: “%4”.")
                             : tr("Demonstration: current_pos is never advanced, so every new token is embedded at "
                                  "position %1. Over the %2 steps shown, correct: “%3”; with the bug: “%4”."))
                         .arg(frozenAt)
                         .arg(shown)
                         .arg(QString::fromStdString(m_bundle.tokenizer->decode(correct)),
                              QString::fromStdString(m_bundle.tokenizer->decode(wrong)));
    return lesson;
}

} // namespace kvlab
