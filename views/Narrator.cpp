#include "Narrator.h"

#include "NumberFormat.h"

#include <algorithm>
#include <numeric>

namespace kvlab {

namespace {

using kv::DecodeMode;

QString number(std::int64_t value)
{
    return QString::fromStdString(kv::groupDigits(value));
}

QString quoted(const QString& text)
{
    return QStringLiteral("“%1”").arg(text);
}

QString tokensText(const Frame& frame, const std::vector<int>& tokens, std::size_t from = 0)
{
    QStringList words;
    for (std::size_t i = from; i < tokens.size(); ++i)
        words << frame.lesson->token(tokens[i]);
    return words.join(QLatin1Char(' '));
}

int mostAttended(const kv::HeadRecord& head)
{
    Eigen::Index row = 0;
    Eigen::Index best = 0;
    head.weights.bottomRows(1).maxCoeff(&row, &best);
    return static_cast<int>(best);
}

QString gqaNote(const kv::ModelConfig& config, int head)
{
    if (config.nKvHead == config.nHead)
        return {};
    return Narrator::tr(" This model uses grouped-query attention: the cache holds %1 K/V heads per layer, not %2; %3.")
        .arg(config.nKvHead)
        .arg(config.nHead)
        .arg(Narrator::headSharing(config, head));
}

} // namespace

QString Narrator::bytes(std::int64_t count)
{
    return tr("%1 B").arg(number(count));
}

QString Narrator::headSharing(const kv::ModelConfig& config, int head)
{
    const int group = config.queriesPerKvHead();
    const int kvHead = head / group;
    if (group == 1)
        return tr("head %1 has its own K/V head").arg(head);
    QStringList sharers;
    for (int h = kvHead * group; h < (kvHead + 1) * group; ++h)
        sharers << QString::number(h);
    return tr("head %1 reads KV head %2, shared by query heads %3").arg(head).arg(kvHead).arg(sharers.join(QStringLiteral(", ")));
}

QString Narrator::stepTitle(const Frame& frame)
{
    if (!frame.valid())
        return {};
    const QString step = frame.step == 0 ? tr("Prefill (step 0)") : tr("Step %1").arg(frame.step);
    return tr("%1 of %2 · phase %3/%4: %5")
        .arg(step)
        .arg(frame.lesson->stepCount() - 1)
        .arg(phaseIndex(frame.phase) + 1)
        .arg(kPhaseCount)
        .arg(phaseName(frame.phase));
}

QString Narrator::paneSubtitle(const Frame& frame, DecodeMode mode)
{
    const kv::StepRecord& record = frame.record(mode);
    const int keys = static_cast<int>(record.keyTokens.size());
    if (mode == DecodeMode::Uncached) {
        if (record.prefill)
            return record.inputTokens.size() == 1 ? tr("runs the prompt: 1 token")
                                                  : tr("runs the prompt: %1 tokens").arg(record.inputTokens.size());
        return tr("recomputes all %1 tokens").arg(keys);
    }
    if (record.prefill)
        return tr("runs the prompt once and fills the cache");
    return tr("1 new row, %1 read from the cache").arg(keys - 1);
}

QString Narrator::paneWork(const Frame& frame, DecodeMode mode)
{
    const kv::StepRecord& record = frame.record(mode);
    const kv::HeadRecord& head = frame.headRecord(mode);
    const auto queries = head.queries.rows();
    const auto keys = head.keys.rows();
    const std::int64_t scores = queries * keys;
    if (mode == DecodeMode::Uncached && !record.prefill) {
        const auto old = record.firstNewInput;
        return tr("this step: %1 rows of Q, K, V computed (%2 equal last step's) · %3 scores, %4 thrown away")
            .arg(queries).arg(old).arg(scores).arg(old * keys);
    }
    if (mode == DecodeMode::Cached && !record.prefill)
        return tr("this step: 1 row of q, k, v computed · %1 scores, none wasted").arg(scores);
    return queries == 1 ? tr("this step: 1 row of q, k, v computed · 1 score")
                        : tr("this step: %1 rows of Q, K, V computed · %2 scores").arg(queries).arg(scores);
}

QString Narrator::paneMacs(const Frame& frame, DecodeMode mode)
{
    const kv::Trace& trace = mode == DecodeMode::Cached ? frame.lesson->run.cached : frame.lesson->run.uncached;
    const kv::StepRecord& record = frame.record(mode);
    return tr("multiply-adds: %1 this step, %2 so far")
        .arg(number(record.cost.macs.total()))
        .arg(number(trace.totalMacs(static_cast<std::size_t>(frame.step)).total()));
}

QString Narrator::paneMemory(const Frame& frame, DecodeMode mode)
{
    if (mode == DecodeMode::Uncached)
        return tr("no cache: K and V are rebuilt every step");
    const kv::ModelConfig& config = frame.lesson->config();
    const kv::StepRecord& record = frame.record(mode);
    return tr("KV cache: %1 = 2 × 4 B × %2 layers × %3 KV heads × %4 dims × %5 token%6")
        .arg(bytes(record.cost.kvBytes))
        .arg(config.nLayer)
        .arg(config.nKvHead)
        .arg(config.headDim())
        .arg(record.keyTokens.size())
        .arg(record.keyTokens.size() == 1 ? QString() : QStringLiteral("s"));
}

Narrator::Verdict Narrator::paneVerdict(const Frame& frame, DecodeMode mode)
{
    Verdict verdict;
    if (!frame.reached(Phase::NextToken)) {
        verdict.text = tr("next token: … (after the last layer)");
        return verdict;
    }
    const kv::StepRecord& mine = frame.record(mode);
    const kv::StepRecord& other = frame.record(mode == DecodeMode::Cached ? DecodeMode::Uncached : DecodeMode::Cached);
    const float difference = frame.lesson->run.maxAbsLogitDiff.at(static_cast<std::size_t>(frame.step));
    verdict.known = true;
    verdict.agrees = mine.chosenToken == other.chosenToken;
    const QString chosen = tr("next token: %1 (p = %2)")
                               .arg(quoted(frame.lesson->token(mine.chosenToken)))
                               .arg(mine.probabilities(mine.chosenToken), 0, 'f', 2);
    if (verdict.agrees)
        verdict.text = tr("✓ %1, same as the other side · max |Δlogit| %2").arg(chosen).arg(difference, 0, 'e', 1);
    else
        verdict.text = tr("✗ %1, but the other side chose %2 · max |Δlogit| %3")
                           .arg(chosen, quoted(frame.lesson->token(other.chosenToken)))
                           .arg(difference, 0, 'f', 2);
    return verdict;
}

QString Narrator::narration(const Frame& frame)
{
    if (!frame.valid())
        return {};
    const kv::ModelConfig& config = frame.lesson->config();
    const kv::StepRecord& cached = frame.record(DecodeMode::Cached);
    const kv::StepRecord& uncached = frame.record(DecodeMode::Uncached);
    const kv::HeadRecord& head = frame.headRecord(DecodeMode::Cached);
    const int hd = config.headDim();
    const int keys = static_cast<int>(cached.keyTokens.size());
    const int n = static_cast<int>(uncached.inputTokens.size());
    const QString token = quoted(tokensText(frame, cached.inputTokens));
    const int position = cached.positions.back();

    switch (frame.phase) {
    case Phase::TokenIn:
        if (cached.prefill)
            return tr("<b>Prefill.</b> The prompt %1 goes through the model at once, at positions 0–%2. "
                      "Both sides do the same work here; the cached side also keeps every key and value it computes. "
                      "This first step is the slow one (time to first token).")
                .arg(token).arg(n - 1);
        return tr("<b>Step %1.</b> The token %2 enters at position %3 (current_pos = %3). "
                  "Without a cache the model must feed all %4 tokens %5 through every layer again; "
                  "with the cache it feeds only %2.")
            .arg(frame.step).arg(token).arg(position).arg(n).arg(quoted(tokensText(frame, uncached.inputTokens)));
    case Phase::Project:
        if (cached.prefill)
            return tr("Each prompt token is multiplied by W_Q, W_K and W_V: Q, K and V are %1×%2 for this head.")
                .arg(n).arg(hd);
        return tr("Each token's vector is multiplied by W_Q, W_K and W_V. Without a cache that means Q, K and V "
                  "for all %1 tokens (%1×%2 each), and %3 exactly as last step. "
                  "With the cache: one q, k and v row (1×%2) for %4.")
            .arg(n).arg(hd)
            .arg(n - 1 == 1 ? tr("the old row comes out") : tr("the %1 old rows come out").arg(n - 1))
            .arg(token);
    case Phase::Append:
        return tr("With the cache, k%1 becomes a new column of Kᵀ and v%1 a new row of V: the cache now holds "
                  "%2 tokens in each of the %3 layers, %4 in all. Without a cache nothing is kept: "
                  "K and V are thrown away and rebuilt next step.%5")
            .arg(position).arg(keys).arg(config.nLayer).arg(bytes(cached.cost.kvBytes)).arg(gqaNote(config, frame.head));
    case Phase::Scores:
        return tr("q (1×%1) · Kᵀ (%1×%2) → %2 scores, each divided by √%1. Without a cache it is "
                  "Q (%3×%1) · Kᵀ (%1×%2) → %3×%2 scores; the causal mask hides the future ones, and only the "
                  "last row matters: %4.")
            .arg(hd).arg(keys).arg(n)
            .arg(n - 1 == 1 ? tr("the other row was known at the last step")
                            : tr("the other %1 rows were known at earlier steps").arg(n - 1));
    case Phase::Softmax: {
        const int best = mostAttended(head);
        return tr("Softmax turns each row of scores into weights that add up to 1. In this head, %1 attends most "
                  "to %2 (weight %3).")
            .arg(quoted(frame.lesson->token(cached.inputTokens.back())))
            .arg(quoted(frame.lesson->token(cached.keyTokens[static_cast<std::size_t>(best)])))
            .arg(head.weights(head.weights.rows() - 1, best), 0, 'f', 2);
    }
    case Phase::Mix:
        return tr("The weights mix the rows of V: weights (1×%1) · V (%1×%2) → the head's output (1×%2). "
                  "Without the cache the whole %3×%2 output is computed and all but its last row discarded.")
            .arg(keys).arg(hd).arg(n);
    case Phase::NextToken: {
        const auto without = uncached.cost.macs.total();
        const auto with = cached.cost.macs.total();
        const QString layers = config.nLayer == 1 ? tr("the only layer")
            : config.nLayer == 2                  ? tr("both layers")
                                                  : tr("all %1 layers").arg(config.nLayer);
        if (cached.prefill)
            return tr("After %1, the newest position's hidden state gives the logits: %2 with p = %3. The prefill "
                      "costs both sides the same %4 multiply-adds; the difference starts at the next step.")
                .arg(layers)
                .arg(quoted(frame.lesson->token(cached.chosenToken)))
                .arg(cached.probabilities(cached.chosenToken), 0, 'f', 2)
                .arg(number(with));
        return tr("After %1, the newest position's hidden state gives the logits: %2 with p = %3. "
                  "This step took %4 multiply-adds without the cache and %5 with it (%6× less).")
            .arg(layers)
            .arg(quoted(frame.lesson->token(cached.chosenToken)))
            .arg(cached.probabilities(cached.chosenToken), 0, 'f', 2)
            .arg(number(without))
            .arg(number(with))
            .arg(static_cast<double>(without) / static_cast<double>(with), 0, 'f', 1);
    }
    }
    return {};
}

} // namespace kvlab
