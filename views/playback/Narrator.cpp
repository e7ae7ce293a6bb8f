#include "views/playback/Narrator.h"

#include "views/diagrams/AttentionMatrices.h"
#include "views/diagrams/RopeStages.h"
#include "core/lab/MemoryCalculator.h"
#include "core/util/NumberFormat.h"

#include <algorithm>
#include <numeric>

namespace kvlab {

namespace {

using kv::DecodeMode;
using Role = MatrixSpec::Role;

QString number(std::int64_t value)
{
    return QString::fromStdString(kv::groupDigits(value));
}

// For the panes' plain-text lines.
QString quoted(const QString& text)
{
    return QStringLiteral("“%1”").arg(text);
}

// For the narration, which is rich text: a token such as Llama's "<s>" would
// otherwise be read as a tag (strike-through to the end of the text).
QString quotedInHtml(const QString& text)
{
    return quoted(text.toHtmlEscaped());
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

// "position 0" or "positions 0–3".
QString positionsText(int first, int last)
{
    return first == last ? Narrator::tr("position %1").arg(first) : Narrator::tr("positions %1–%2").arg(first).arg(last);
}

// "the token", "both tokens", "all 5 tokens".
QString allTokens(int count)
{
    return count == 1 ? Narrator::tr("the token") : count == 2 ? Narrator::tr("both tokens")
                                                              : Narrator::tr("all %1 tokens").arg(count);
}

QString layersText(const kv::ModelConfig& config)
{
    return config.nLayer == 1 ? Narrator::tr("the only layer")
        : config.nLayer == 2  ? Narrator::tr("both layers")
                              : Narrator::tr("all %1 layers").arg(config.nLayer);
}

QString probability(double p)
{
    return Narrator::probabilityText(p);
}

bool rotary(const Frame& frame)
{
    return frame.lesson->config().position == kv::PositionKind::Rotary;
}

// The blocks the config chose, named where they act.
QString normName(const kv::ModelConfig& config)
{
    return config.norm == kv::NormKind::RmsNorm ? QStringLiteral("RMSNorm") : QStringLiteral("LayerNorm");
}

QString mlpName(const kv::ModelConfig& config)
{
    return config.mlp == kv::MlpKind::SwiGlu ? Narrator::tr("SwiGLU MLP") : Narrator::tr("GELU MLP");
}

QString mlpMatrices(const kv::ModelConfig& config)
{
    return config.mlp == kv::MlpKind::SwiGlu ? Narrator::tr("its gate, up and down matrices")
                                             : Narrator::tr("its two matrices");
}

// "each: RMSNorm, attention, RMSNorm, SwiGLU MLP (...)"
QString blockRecipe(const kv::ModelConfig& config)
{
    return Narrator::tr("each one: %1, attention, %1, %2 with %3").arg(normName(config), mlpName(config), mlpMatrices(config));
}

QString classifierName(const kv::ModelConfig& config)
{
    return config.tiedClassifier ? Narrator::tr("the tied classifier (the token embedding)")
                                 : Narrator::tr("the classifier");
}

// The position each cache row's key was rotated to, in row order, up to
// this step: the positions the cached side fed, step by step.
std::vector<int> cachedKeyPositions(const Frame& frame)
{
    std::vector<int> positions;
    for (int step = 0; step <= frame.step; ++step) {
        const auto& fed = frame.lesson->run.cached.steps.at(static_cast<std::size_t>(step)).positions;
        positions.insert(positions.end(), fed.begin(), fed.end());
    }
    return positions;
}

// The shapes the pane draws for this frame, so that the words match the picture.
struct Shapes {
    MatrixSpec queries;
    MatrixSpec keysT;
    MatrixSpec scores;
    MatrixSpec weights;
    MatrixSpec values;
    MatrixSpec output;
    int heads = 1; // query heads stacked in the query-side matrices
};

Shapes shapesOf(const Frame& frame, DecodeMode mode)
{
    ByRole<MatrixSpec> specs = attentionMatrices(frame, mode);
    Shapes shapes;
    shapes.queries = std::move(specs[Role::Queries]);
    shapes.keysT = std::move(specs[Role::KeysT]);
    shapes.scores = std::move(specs[Role::Scores]);
    shapes.weights = std::move(specs[Role::Weights]);
    shapes.values = std::move(specs[Role::Values]);
    shapes.output = std::move(specs[Role::Output]);
    shapes.heads = static_cast<int>(sharingHeads(frame).size());
    return shapes;
}

// With grouped-query attention the query side stacks one block per query head.
QString stackedNote(const Shapes& shapes)
{
    if (shapes.heads == 1)
        return {};
    return Narrator::tr(" (one block of rows for each of the %1 query heads that share this K/V head)").arg(shapes.heads);
}

// Rows of Q, K and V a pass computed for the heads the pane shows.
QString projectedRows(const Shapes& shapes, bool cached)
{
    const int keyRows = cached ? shapes.queries.rows() / shapes.heads : shapes.values.rows();
    const int queryRows = shapes.queries.rows();
    const QString q = cached ? QStringLiteral("q") : QStringLiteral("Q");
    const QString kv = cached ? QStringLiteral("k, v") : QStringLiteral("K, V");
    if (shapes.heads == 1)
        return keyRows == 1 ? Narrator::tr("1 row of %1, %2").arg(q, kv) : Narrator::tr("%1 rows of %2, %3").arg(keyRows).arg(q, kv);
    return Narrator::tr("%1 rows of %2 (%3 heads), %4 of %5").arg(queryRows).arg(q).arg(shapes.heads).arg(keyRows).arg(kv);
}

bool isDemonstration(const Frame& frame)
{
    return frame.lesson->kind != Lesson::Kind::Normal;
}

// Without a cache, below the last layer: why the old rows are needed.
QString cascade(const Frame& frame, int oldRows)
{
    const int last = frame.lesson->config().nLayer - 1;
    return Narrator::tr("At layer %1 they are not wasted: after the %5, %2 become layer %3's input X, and layer %3 "
                        "rebuilds its K = X·W_K and V = X·W_V for the old tokens from them. With no cache, the old "
                        "tokens' keys at layer %3 can only come from recomputing layer %1's old rows, and so on up "
                        "the stack; only at the last layer (layer %4) are the old rows computed and thrown away.")
        .arg(frame.layer)
        .arg(oldRows == 1 ? Narrator::tr("the old row's outputs") : Narrator::tr("the old rows' outputs"))
        .arg(frame.layer + 1)
        .arg(last)
        .arg(mlpName(frame.lesson->config()));
}

// How the position enters: a learned row added to the embedding (GPT-2), or
// nothing here and a rotation of q and k later (RoPE). `position` < 0: each its own.
QString positionInput(const Frame& frame, int position)
{
    if (rotary(frame))
        return Narrator::tr("Only the token embedding goes in: this model has no learned position row to add. Its "
                            "position enters later, when RoPE rotates q and k by it (the Rotate phase). ");
    return position < 0 ? Narrator::tr("Each token's embedding gets its learned position row added (GPT-2's wpe). ")
                        : Narrator::tr("Its embedding gets the learned position row %1 added (GPT-2's wpe). ").arg(position);
}

QString prefillTokenIn(const Frame& frame)
{
    const kv::StepRecord& cached = frame.record(DecodeMode::Cached);
    const kv::StepRecord& uncached = frame.record(DecodeMode::Uncached);
    const int n = static_cast<int>(uncached.inputTokens.size());
    const auto without = uncached.cost.macs.total();
    const auto with = cached.cost.macs.total();
    QString text = Narrator::tr("<b>Prefill.</b> The prompt %1 goes through the model at once, at %2. ")
                       .arg(quotedInHtml(tokensText(frame, cached.inputTokens)), positionsText(0, n - 1));
    text += positionInput(frame, n == 1 ? 0 : -1);
    const int stale = frame.lesson->run.staleCacheRows;
    if (stale > 0)
        text += Narrator::tr("The two sides do <b>not</b> do the same work: the cache was not reset, so the cached side "
                             "also attends to %1 stale rows the previous prompt left behind: %2 multiply-adds against %3 "
                             "without a cache. ")
                    .arg(stale).arg(number(with)).arg(number(without));
    else if (with == without)
        text += Narrator::tr("Both sides do the same work here (%1 multiply-adds); the cached side also keeps every key "
                             "and value it computes. ")
                    .arg(number(with));
    else
        text += Narrator::tr("The cached side does %1 multiply-adds, the uncached side %2; the cached side also keeps "
                             "every key and value it computes. ")
                    .arg(number(with)).arg(number(without));
    return text + Narrator::tr("This first step is the slow one (time to first token).");
}

QString decodeTokenIn(const Frame& frame)
{
    const kv::StepRecord& cached = frame.record(DecodeMode::Cached);
    const kv::StepRecord& uncached = frame.record(DecodeMode::Uncached);
    const QString token = quotedInHtml(tokensText(frame, cached.inputTokens));
    const int position = cached.positions.back();
    const int correct = uncached.positions.back();
    const int n = static_cast<int>(uncached.inputTokens.size());
    QString text = Narrator::tr("<b>Step %1.</b> The token %2 enters at position %3 (current_pos = %3). ")
                       .arg(frame.step).arg(token).arg(position);
    if (position != correct)
        text += Narrator::tr("That is the bug: it belongs at position %1, but current_pos was never advanced. ").arg(correct);
    text += positionInput(frame, position);
    return text + Narrator::tr("Without a cache the model must feed %1 %2 through every layer again; with the cache it "
                               "feeds only %3.")
                      .arg(allTokens(n), quotedInHtml(tokensText(frame, uncached.inputTokens)), token);
}

QString projectNarration(const Frame& frame)
{
    const kv::StepRecord& cached = frame.record(DecodeMode::Cached);
    const Shapes with = shapesOf(frame, DecodeMode::Cached);
    const Shapes without = shapesOf(frame, DecodeMode::Uncached);
    const int n = without.values.rows();
    const QString norm = normName(frame.lesson->config());
    // Rotary models: q and k are shown as projected; RoPE turns them next.
    const QString unturned = rotary(frame)
        ? Narrator::tr(" These q and k are not yet rotated: RoPE turns them by their position in the next phase.")
        : QString();
    if (cached.prefill)
        return Narrator::tr("Each prompt token's vector, normalised by %4, is multiplied by W_Q, W_K and W_V: Q is %1%2, "
                            "K and V are %3 for this K/V head.")
                   .arg(with.queries.shape(), stackedNote(with), with.values.shape(), norm)
            + unturned;
    return Narrator::tr("Each token's vector, normalised by %8, is multiplied by W_Q, W_K and W_V. Without a cache that means Q (%1), K and "
                        "V (%2 each) for %3, and %4 exactly as last step. With the cache only the new token's q is "
                        "drawn here (%5)%6; its k and v (%7 each) are computed in the same pass and slide into the cache "
                        "%9.")
        .arg(without.queries.shape(), without.values.shape(), allTokens(n))
        .arg(n - 1 == 1 ? Narrator::tr("the old row comes out") : Narrator::tr("the %1 old rows come out").arg(n - 1))
        .arg(with.queries.shape(), stackedNote(with))
        .arg(QStringLiteral("%1×%2").arg(with.queries.rows() / with.heads).arg(with.values.cols()))
        .arg(norm)
        .arg(rotary(frame) ? Narrator::tr("at Append, once RoPE has turned k") : Narrator::tr("in the next phase"))
        + unturned;
}

// "θᵢ = 10000^(−2i/8)": the config's theta and the head size.
QString thetaText(const Frame& frame)
{
    return Narrator::tr("θᵢ = %1^(−2i/%2)")
        .arg(static_cast<double>(frame.lesson->config().ropeTheta), 0, 'g', 6)
        .arg(rotaryTable(frame).headDim());
}

// Frozen position counter: how many of the cache's keys were rotated to position 0.
QString keysAtZero(const Frame& frame)
{
    const std::vector<int> positions = cachedKeyPositions(frame);
    const auto zero = std::count(positions.begin(), positions.end(), 0);
    if (zero == static_cast<std::ptrdiff_t>(positions.size()))
        return positions.size() == 1 ? Narrator::tr("the one key in the cache was rotated to position 0")
                                     : Narrator::tr("all %1 keys in the cache were rotated to position 0, as if every "
                                                    "token stood first")
                                           .arg(positions.size());
    return Narrator::tr("%1 of the %2 keys in the cache were rotated to position 0: every key written after the prompt")
        .arg(zero)
        .arg(positions.size());
}

QString rotateNarration(const Frame& frame)
{
    const kv::StepRecord& cached = frame.record(DecodeMode::Cached);
    const kv::StepRecord& uncached = frame.record(DecodeMode::Uncached);
    const kv::RotaryTable& table = rotaryTable(frame);
    const int position = cached.positions.back();
    const int correct = uncached.positions.back();
    const int lastPair = table.pairs() - 1;
    QString text = Narrator::tr("<b>RoPE.</b> The position is rotated into q and k: a head's %1 dimensions form %2 "
                                "pairs %3, and at position p pair i turns by the angle p·θᵢ, %4. ")
                       .arg(table.headDim())
                       .arg(table.pairs())
                       .arg(table.layout() == kv::RopeLayout::Interleaved ? Narrator::tr("(2i, 2i+1)")
                                                                           : Narrator::tr("(i, i+%1)").arg(table.pairs()))
                       .arg(thetaText(frame));
    if (position == 0)
        text += Narrator::tr("At position 0 every angle is 0: the rotation leaves q and k as they are. ");
    else
        text += Narrator::tr("At position %1 that is %2 rad for pair 0 down to %3 rad for pair %4. ")
                    .arg(position)
                    .arg(table.angle(position, 0), 0, 'f', 2)
                    .arg(table.angle(position, lastPair), 0, 'f', 3)
                    .arg(lastPair);
    if (cached.prefill && cached.positions.size() > 1)
        return text + Narrator::tr("Every prompt token turns at its own position (%1). With the cache its keys are "
                                   "stored as they come out of this phase: already rotated.")
                          .arg(positionsText(cached.positions.front(), position));
    if (cached.prefill)
        return text + Narrator::tr("With the cache its key is stored as it comes out of this phase, and every key "
                                   "after it will be stored already rotated by its own position.");
    const int n = static_cast<int>(uncached.positions.size());
    text += Narrator::tr("Without a cache all %1 queries and keys are turned again, each at its own position (%2 of "
                         "them exactly as last step). With the cache only the new q and k turn, once: k goes into the "
                         "cache already rotated, as llama2.c does, so a cached key carries its position and is never "
                         "turned again.")
                .arg(n)
                .arg(n - 1);
    if (position != correct)
        text += Narrator::tr(" That is the bug: current_pos is stuck at %1, so this key turns by %1·θᵢ instead of "
                             "%2·θᵢ (pair 0: %3 rad instead of %4) and is cached as if it stood at position %1.")
                    .arg(position)
                    .arg(correct)
                    .arg(table.angle(position, 0), 0, 'f', 2)
                    .arg(table.angle(correct, 0), 0, 'f', 2);
    return text;
}

// Rotary models at Append: why the cache holds rotated keys, and why current_pos matters more.
QString rotatedAppendNote(const Frame& frame)
{
    const kv::StepRecord& cached = frame.record(DecodeMode::Cached);
    const kv::StepRecord& uncached = frame.record(DecodeMode::Uncached);
    const int position = cached.positions.back();
    QString text = cached.inputTokens.size() > 1
        ? Narrator::tr(" The keys go in rotated, each by its own position: a cached key carries its position, so it is "
                       "never rotated again.")
        : Narrator::tr(" The key goes in rotated by its position, %1: it carries that position for as long as it stays "
                       "in the cache, and every later query reads it as is, never rotating it again.")
              .arg(position);
    if (position != uncached.positions.back())
        return text + Narrator::tr(" That is why current_pos matters even more with RoPE, and here it never advanced: %1.")
                          .arg(keysAtZero(frame));
    return text + Narrator::tr(" That is why current_pos matters even more here: with a learned position row a wrong "
                               "position spoils one token's input, but with RoPE it is frozen into a cached key that "
                               "every later step reads.");
}

QString scoresNarration(const Frame& frame)
{
    const kv::StepRecord& cached = frame.record(DecodeMode::Cached);
    const Shapes with = shapesOf(frame, DecodeMode::Cached);
    const Shapes without = shapesOf(frame, DecodeMode::Uncached);
    const int hd = with.queries.cols();
    const int n = without.values.rows();
    const auto scoreCount = [](const Shapes& s) { return s.scores.rows() * s.scores.cols(); };
    QString text = Narrator::tr("%1 (%2)%3 · Kᵀ (%4) → %5 scores, each divided by √%6. ")
                       .arg(cached.prefill ? QStringLiteral("Q") : QStringLiteral("q"), with.queries.shape(),
                            stackedNote(with), with.keysT.shape())
                       .arg(scoreCount(with))
                       .arg(hd);
    if (cached.prefill)
        return text + Narrator::tr("The causal mask hides each token's future: every row of the prompt is new, and every "
                                   "key and value goes into the cache.");
    text += Narrator::tr("Without a cache it is Q (%1) · Kᵀ (%2) → %3 scores; the causal mask hides the future ones, "
                         "and only the last row is new: %4. ")
                .arg(without.queries.shape(), without.keysT.shape())
                .arg(scoreCount(without))
                .arg(n - 1 == 1 ? Narrator::tr("the other row was known at the last step")
                                : Narrator::tr("the other %1 rows were known at earlier steps").arg(n - 1));
    if (atLastLayer(frame))
        return text + Narrator::tr("This is the last layer: only the newest row reaches the LM head, so the %1 computed "
                                   "and thrown away.")
                          .arg(n - 1 == 1 ? Narrator::tr("old row is") : Narrator::tr("%1 old rows are").arg(n - 1));
    return text + cascade(frame, n - 1);
}

QString softmaxNarration(const Frame& frame)
{
    const kv::StepRecord& cached = frame.record(DecodeMode::Cached);
    const kv::HeadRecord& head = frame.headRecord(DecodeMode::Cached);
    const int best = mostAttended(head);
    return Narrator::tr("Softmax turns each row of scores into weights that add up to 1. In this head, %1 attends most "
                        "to %2 (weight %3).")
        .arg(quotedInHtml(frame.lesson->token(cached.inputTokens.back())))
        .arg(quotedInHtml(frame.lesson->token(cached.keyTokens[static_cast<std::size_t>(best)])))
        .arg(head.weights(head.weights.rows() - 1, best), 0, 'f', 2);
}

QString mixNarration(const Frame& frame)
{
    const kv::StepRecord& cached = frame.record(DecodeMode::Cached);
    const Shapes with = shapesOf(frame, DecodeMode::Cached);
    const Shapes without = shapesOf(frame, DecodeMode::Uncached);
    const int n = without.values.rows();
    QString text = Narrator::tr("The weights mix the rows of V: weights (%1) · V (%2) → the head's output (%3). ")
                       .arg(with.weights.shape(), with.values.shape(), with.output.shape());
    if (cached.prefill)
        return text;
    text += Narrator::tr("Without the cache the whole %1 output is computed. ").arg(without.output.shape());
    if (atLastLayer(frame))
        return text + Narrator::tr("At this last layer all but its newest row is thrown away: only the newest "
                                   "position's hidden state goes on to the LM head.");
    return text + cascade(frame, n - 1);
}

QString prefillNextToken(const Frame& frame)
{
    const kv::StepRecord& cached = frame.record(DecodeMode::Cached);
    const kv::StepRecord& uncached = frame.record(DecodeMode::Uncached);
    const auto without = uncached.cost.macs.total();
    const auto with = cached.cost.macs.total();
    QString text = Narrator::tr("After %1 (%3), the final %4 and %5 turn the newest position's hidden state into the "
                                "logits: %2. ")
                       .arg(layersText(frame.lesson->config()), Narrator::drawnToken(frame, DecodeMode::Cached))
                       .arg(blockRecipe(frame.lesson->config()), normName(frame.lesson->config()),
                            classifierName(frame.lesson->config()));
    if (with == without)
        return text + Narrator::tr("The prefill costs both sides the same %1 multiply-adds; the difference starts at "
                                   "the next step.")
                          .arg(number(with));
    return text + Narrator::tr("The prefill cost %1 multiply-adds without the cache and %2 with it.")
                      .arg(number(without)).arg(number(with));
}

// A demonstration's next token: the correct answer first, the bug's second.
QString demonstrationNextToken(const Frame& frame)
{
    const kv::StepRecord& cached = frame.record(DecodeMode::Cached);
    const kv::StepRecord& uncached = frame.record(DecodeMode::Uncached);
    const QString correct = Narrator::drawnToken(frame, DecodeMode::Uncached);
    const QString buggy = Narrator::drawnToken(frame, DecodeMode::Cached);
    const QString cause = frame.lesson->kind == Lesson::Kind::StaleCache
        ? Narrator::tr("the cache that was not reset")
        : Narrator::tr("the position counter that never advances");
    if (cached.chosenToken == uncached.chosenToken)
        return Narrator::tr("The correct model (no cache) predicts %1. The run with %2 happens to predict the same "
                            "token here (%3), but its numbers are not the correct ones.")
            .arg(correct, cause, buggy);
    return Narrator::tr("The correct model (no cache) predicts %1. The run with %2 predicts %3 instead: a wrong "
                        "answer, caused by the bug this demonstration shows.")
        .arg(correct, cause, buggy);
}

QString nextTokenNarration(const Frame& frame)
{
    const kv::StepRecord& cached = frame.record(DecodeMode::Cached);
    const kv::StepRecord& uncached = frame.record(DecodeMode::Uncached);
    if (isDemonstration(frame))
        return Narrator::tr("After %1, the newest position's hidden state gives the logits. ")
                   .arg(layersText(frame.lesson->config()))
            + demonstrationNextToken(frame);
    if (cached.prefill)
        return prefillNextToken(frame);
    const auto without = uncached.cost.macs.total();
    const auto with = cached.cost.macs.total();
    return Narrator::tr("After %1 (%6), the final %7 and %8 turn the newest position's hidden state into the logits: "
                        "%2. This step took %3 multiply-adds without the cache and %4 with it (%5× less).")
        .arg(layersText(frame.lesson->config()), Narrator::drawnToken(frame, DecodeMode::Cached))
        .arg(number(without))
        .arg(number(with))
        .arg(static_cast<double>(without) / static_cast<double>(with), 0, 'f', 1)
        .arg(blockRecipe(frame.lesson->config()), normName(frame.lesson->config()),
             classifierName(frame.lesson->config()));
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

QString Narrator::probabilityText(double p)
{
    return p >= 0.01 || p <= 0.0 ? QString::number(p, 'f', 2) : QString::number(p, 'g', 2);
}

double Narrator::drawnProbability(const kv::StepRecord& record)
{
    const kv::SampledDistribution& sampled = record.sampled;
    return sampled.greedy() ? sampled.chosenModelProbability : sampled.chosenDrawProbability;
}

QString Narrator::drawnToken(const Frame& frame, DecodeMode mode)
{
    const kv::StepRecord& record = frame.record(mode);
    const QString token = quotedInHtml(frame.lesson->token(record.chosenToken));
    const double p = drawnProbability(record);
    if (record.sampled.greedy())
        return tr("%1 with p = %2").arg(token, probability(p));
    return tr("%1, drawn with p = %2 (after temperature, top-k and top-p; the model alone gave it %3)")
        .arg(token, probability(p), probability(record.sampled.chosenModelProbability));
}

QString Narrator::nextTokenLabel(const Frame& frame)
{
    const kv::StepRecord& record = frame.record(DecodeMode::Cached);
    return tr("next → %1  (p = %2)").arg(frame.lesson->token(record.chosenToken), probability(drawnProbability(record)));
}

int Narrator::nextPosition(const Frame& frame)
{
    const auto& steps = frame.lesson->run.cached.steps;
    const auto next = static_cast<std::size_t>(frame.step) + 1;
    if (next < steps.size())
        return steps[next].positions.front();
    // After the last step: where the session would put the next token.
    const kv::StepRecord& record = frame.record(DecodeMode::Cached);
    return frame.lesson->kind == Lesson::Kind::FrozenPosition && !record.prefill ? record.positions.back()
                                                                                 : record.positions.back() + 1;
}

QString Narrator::stepTitle(const Frame& frame)
{
    if (!frame.valid())
        return {};
    const QString step = frame.step == 0 ? tr("Prefill (step %1)").arg(frame.step) : tr("Step %1").arg(frame.step);
    return tr("%1 of %2 · phase %3/%4: %5")
        .arg(step)
        .arg(frame.lesson->stepCount() - 1)
        .arg(frame.phaseNumber() + 1)
        .arg(frame.phases().count())
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
        return tr("recomputes %1").arg(allTokens(keys));
    }
    if (record.prefill)
        return tr("runs the prompt once and fills the cache");
    return tr("1 new row, %1 read from the cache").arg(keys - 1);
}

QString Narrator::paneWork(const Frame& frame, DecodeMode mode)
{
    const kv::StepRecord& record = frame.record(mode);
    const Shapes shapes = shapesOf(frame, mode);
    const bool cached = mode == DecodeMode::Cached;
    const std::int64_t scores = std::int64_t{shapes.scores.rows()} * shapes.scores.cols();
    const QString rows = projectedRows(shapes, cached);
    if (!cached && !record.prefill) {
        const std::int64_t oldScores = std::int64_t{record.firstNewInput} * shapes.heads * shapes.scores.cols();
        const QString fate = atLastLayer(frame)
            ? tr("%1 thrown away (last layer)").arg(oldScores)
            : tr("%1 recomputed for layer %2").arg(oldScores).arg(frame.layer + 1);
        return tr("this step: %1 computed (%2 equal last step's) · %3 scores, %4")
            .arg(rows).arg(record.firstNewInput).arg(scores).arg(fate);
    }
    if (cached && !record.prefill)
        return tr("this step: %1 computed · %2 scores, none wasted").arg(rows).arg(scores);
    return scores == 1 ? tr("this step: %1 computed · 1 score").arg(rows)
                       : tr("this step: %1 computed · %2 scores").arg(rows).arg(scores);
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
    // The calculator's formula for the cache the core allocates (its dtype,
    // one sequence), at the tokens held now; equal to the bytes in use.
    const kv::StepRecord& record = frame.record(mode);
    QStringList factors;
    for (const auto& factor :
         kv::MemoryCalculator::fromConfig(frame.lesson->config()).factors(std::int64_t(record.keyTokens.size()), 1))
        factors << QString::fromStdString(factor.text);
    factors.removeLast(); // "1 batch": the walk-through decodes one sequence
    return tr("KV cache: %1 = %2").arg(bytes(record.cost.kvBytes), factors.join(QStringLiteral(" × ")));
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
                               .arg(quoted(frame.lesson->token(mine.chosenToken)), probability(drawnProbability(mine)));
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
    const int keys = static_cast<int>(cached.keyTokens.size());
    const int position = cached.positions.back();

    switch (frame.phase) {
    case Phase::TokenIn:
        return cached.prefill ? prefillTokenIn(frame) : decodeTokenIn(frame);
    case Phase::Project:
        return projectNarration(frame);
    case Phase::Append:
        return tr("With the cache, %1: the cache now holds %2 in each of the %3 layers, %4 in all. "
                  "Without a cache nothing is kept: K and V are thrown away and rebuilt next step.%5")
            .arg(cached.inputTokens.size() == 1
                     ? tr("k%1 becomes a new column of Kᵀ and v%1 a new row of V").arg(position)
                     : tr("the prompt's keys become the columns of Kᵀ and its values the rows of V"))
            .arg(keys == 1 ? tr("1 token") : tr("%1 tokens").arg(keys))
            .arg(config.nLayer)
            .arg(bytes(cached.cost.kvBytes))
            .arg(gqaNote(config, frame.head))
            + (rotary(frame) ? rotatedAppendNote(frame) : QString());
    case Phase::Rotate:
        return rotateNarration(frame);
    case Phase::Scores:
        return scoresNarration(frame);
    case Phase::Softmax:
        return softmaxNarration(frame);
    case Phase::Mix:
        return mixNarration(frame);
    case Phase::NextToken:
        return nextTokenNarration(frame);
    }
    return {};
}

} // namespace kvlab
