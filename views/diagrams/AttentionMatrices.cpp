#include "views/diagrams/AttentionMatrices.h"

#include "views/diagrams/RopeStages.h"
#include "views/style/Typography.h"

#include <cmath>

namespace kvlab {

namespace {

using kv::DecodeMode;
using Role = MatrixSpec::Role;

double largestMagnitude(const kv::Matrix& values)
{
    double largest = 0.0;
    for (Eigen::Index i = 0; i < values.size(); ++i)
        if (std::isfinite(values.data()[i]))
            largest = std::max(largest, static_cast<double>(std::abs(values.data()[i])));
    return largest > 0.0 ? largest : 1.0;
}

// The facts about one pane at one frame that decide every cell's state.
// With grouped-query attention the query heads sharing the selected KV head
// are stacked: query-side matrices hold one block of rows per head.
struct PaneFacts {
    const Frame& frame;
    DecodeMode mode;
    const kv::StepRecord& record;
    std::vector<const kv::HeadRecord*> group;
    const kv::HeadRecord& head; // the first of the group; K and V are the same for all
    int stale = 0;

    bool cached() const { return mode == DecodeMode::Cached; }
    int queries() const { return static_cast<int>(head.queries.rows()); }
    int stackedRows() const { return queries() * static_cast<int>(group.size()); }
    int queryOf(int stackedRow) const { return stackedRow % queries(); }
    int keys() const { return static_cast<int>(head.keys.rows()); }
    // Uncached: sequence rows before this index were already processed by earlier steps.
    int firstNew() const { return cached() ? 0 : record.firstNewInput; }

    CellState keyRowState(int row) const
    {
        if (cached())
            return row < stale ? CellState::Stale : row < head.appendedFrom ? CellState::FromCache : CellState::New;
        return row < firstNew() ? CellState::Recomputed : CellState::New;
    }
    CellState queryRowState(int row) const
    {
        return !cached() && queryOf(row) < firstNew() ? CellState::Recomputed : CellState::New;
    }
    // Without a cache, score, weight and output rows before the newest are
    // recomputed below the last layer (the next layer's input) and thrown
    // away only at the last layer.
    CellState resultRowState(int row) const
    {
        return !cached() && queryOf(row) < firstNew() ? uncachedOldRowState(frame) : CellState::New;
    }
    bool masked(int queryRow, int keyRow) const { return keyRow > head.appendedFrom + queryOf(queryRow); }
    // One matrix of the group's records, blocks stacked in head order.
    kv::Matrix stacked(kv::Matrix kv::HeadRecord::*member) const
    {
        const kv::Matrix& first = head.*member;
        kv::Matrix all(first.rows() * static_cast<Eigen::Index>(group.size()), first.cols());
        for (std::size_t g = 0; g < group.size(); ++g)
            all.middleRows(static_cast<Eigen::Index>(g) * first.rows(), first.rows()) = group[g]->*member;
        return all;
    }
    bool keyRowAppearsAtAppend(int row) const { return cached() && row >= head.appendedFrom; }
    // Rotary models before their Rotate phase: this pass's q and k as projected, not yet turned.
    bool unrotated() const { return rotaryPositions(frame) && !frame.reached(Phase::Rotate); }
    QString tokenOfKey(int row) const { return frame.lesson->token(record.keyTokens[static_cast<std::size_t>(row)]); }
    QString tokenOfQuery(int row) const { return tokenOfKey(head.appendedFrom + row); }
};

QStringList keyLabels(const PaneFacts& facts)
{
    QStringList labels;
    for (int r = 0; r < facts.keys(); ++r)
        labels << facts.tokenOfKey(r);
    return labels;
}

QStringList queryLabels(const PaneFacts& facts)
{
    QStringList labels;
    for (const kv::HeadRecord* member : facts.group)
        for (int r = 0; r < facts.queries(); ++r)
            labels << (facts.group.size() > 1 ? QStringLiteral("h%1 %2").arg(member->head).arg(facts.tokenOfQuery(r))
                                              : facts.tokenOfQuery(r));
    return labels;
}

template <typename StateOf>
std::vector<CellState> statesOf(int rows, int cols, StateOf&& stateOf)
{
    std::vector<CellState> states;
    states.reserve(static_cast<std::size_t>(rows * cols));
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            states.push_back(stateOf(r, c));
    return states;
}

// Cells of a result matrix (scores, weights, output) before its phase are pending.
MatrixSpec resultMatrix(const PaneFacts& facts, Role role, Phase phase, kv::Matrix values, bool perKey)
{
    MatrixSpec spec;
    spec.role = role;
    spec.values = std::move(values);
    spec.rowLabels = queryLabels(facts);
    if (perKey)
        spec.colLabels = keyLabels(facts);
    const bool shown = facts.frame.reached(phase);
    spec.reveal = facts.frame.progressOf(phase);
    spec.states = statesOf(spec.rows(), spec.cols(), [&](int r, int c) {
        if (perKey && facts.masked(r, c))
            return CellState::Masked;
        return shown ? facts.resultRowState(r) : CellState::Pending;
    });
    return spec;
}

MatrixSpec queriesMatrix(const PaneFacts& facts)
{
    MatrixSpec spec;
    spec.role = Role::Queries;
    spec.values = facts.stacked(&kv::HeadRecord::queries);
    if (facts.unrotated())
        for (std::size_t g = 0; g < facts.group.size(); ++g)
            spec.values.middleRows(static_cast<Eigen::Index>(g) * facts.queries(), facts.queries()) =
                queriesBeforeRope(facts.frame, facts.mode, facts.group[g]->head);
    spec.rowLabels = queryLabels(facts);
    const bool shown = facts.frame.reached(Phase::Project);
    spec.reveal = facts.frame.progressOf(Phase::Project);
    spec.states = statesOf(spec.rows(), spec.cols(),
                           [&](int r, int) { return shown ? facts.queryRowState(r) : CellState::Pending; });
    spec.title = facts.cached() ? QStringLiteral("q = x·W_Q") : QStringLiteral("Q = X·W_Q");
    if (rotaryPositions(facts.frame) && !facts.unrotated())
        spec.title = facts.cached() ? QStringLiteral("q = RoPE(x·W_Q)") : QStringLiteral("Q = RoPE(X·W_Q)");
    return spec;
}

// Keys (transposed) or values: rows already in the cache are there from the
// start; this pass's rows appear at Project (no cache) or slide in at Append.
MatrixSpec keyValueMatrix(const PaneFacts& facts, Role role)
{
    const bool transposed = role == Role::KeysT;
    MatrixSpec spec;
    spec.role = role;
    spec.values = transposed ? kv::Matrix(facts.head.keys.transpose()) : facts.head.values;
    // Without a cache the pass's keys show at Project, before RoPE turns them
    // (with the cache the new key waits for Append, rotated).
    if (transposed && facts.unrotated() && !facts.cached())
        spec.values = keysBeforeRope(facts.frame, facts.mode, facts.head.kvHead).transpose();
    if (transposed)
        spec.colLabels = keyLabels(facts);
    else
        spec.rowLabels = keyLabels(facts);
    const Phase arrives = facts.cached() ? Phase::Append : Phase::Project;
    auto stateOfKey = [&](int keyRow) {
        const bool computedThisPass = facts.cached() ? facts.keyRowAppearsAtAppend(keyRow) : true;
        if (computedThisPass && !facts.frame.reached(arrives))
            return CellState::Pending;
        return facts.keyRowState(keyRow);
    };
    spec.states = statesOf(spec.rows(), spec.cols(), [&](int r, int c) { return stateOfKey(transposed ? c : r); });
    if (!facts.cached())
        spec.reveal = facts.frame.progressOf(Phase::Project);
    if (facts.cached() && facts.frame.phase == Phase::Append && facts.keys() - facts.head.appendedFrom == 1) {
        (transposed ? spec.slidingCol : spec.slidingRow) = facts.keys() - 1;
        spec.slide = 3.0 * (1.0 - facts.frame.progress);
    }
    const QString slot = subscript(facts.record.positions.back());
    if (facts.cached()) {
        spec.title = transposed ? QStringLiteral("Kᵀ (cached + new)") : QStringLiteral("V (cached + new)");
        if (!facts.record.prefill)
            spec.note = transposed ? QStringLiteral("↑ k%1 appended").arg(slot) : QStringLiteral("← v%1 appended").arg(slot);
        else
            spec.note = QStringLiteral("prompt fills the cache");
    } else {
        spec.title = transposed ? QStringLiteral("Kᵀ = (X·W_K)ᵀ") : QStringLiteral("V = X·W_V");
        if (transposed && rotaryPositions(facts.frame) && !facts.unrotated())
            spec.title = QStringLiteral("Kᵀ = RoPE(X·W_K)ᵀ");
        if (facts.firstNew() > 0)
            spec.note = QStringLiteral("%1 of %2 recomputed").arg(facts.firstNew()).arg(facts.keys());
    }
    return spec;
}

void highlightSelection(const PaneFacts& facts, ByRole<MatrixSpec>& specs)
{
    const int selected = facts.frame.selectedToken;
    if (selected < 0 || selected >= facts.keys())
        return;
    const int queryRow = selected - facts.head.appendedFrom;
    const bool hasQuery = queryRow >= 0 && queryRow < facts.queries();
    for (MatrixSpec& spec : specs) {
        switch (spec.role) {
        case Role::KeysT:
            spec.highlightCol = selected;
            break;
        case Role::Values:
            spec.highlightRow = selected;
            break;
        case Role::Scores:
        case Role::Weights:
            spec.highlightCol = selected;
            [[fallthrough]];
        case Role::Queries:
        case Role::Output:
            // Stacked query heads: the token's row in every head's block.
            spec.highlightRow = hasQuery ? queryRow : -1;
            spec.highlightRowStride = facts.group.size() > 1 ? facts.queries() : 0;
            break;
        }
    }
}

} // namespace

bool atLastLayer(const Frame& frame)
{
    return frame.layer == frame.lesson->config().nLayer - 1;
}

CellState uncachedOldRowState(const Frame& frame)
{
    return atLastLayer(frame) ? CellState::Wasted : CellState::Recomputed;
}

std::vector<int> sharingHeads(const Frame& frame)
{
    const int group = frame.lesson->config().queriesPerKvHead();
    const int first = frame.head / group * group;
    std::vector<int> heads;
    for (int h = first; h < first + group; ++h)
        heads.push_back(h);
    return heads;
}

QueryRowRef queryRowAt(const Frame& frame, kv::DecodeMode mode, int stackedRow)
{
    const int perHead = static_cast<int>(frame.headRecord(mode).queries.rows());
    return {sharingHeads(frame).at(static_cast<std::size_t>(stackedRow / perHead)), stackedRow % perHead};
}

int staleRowCount(const Frame& frame, kv::DecodeMode mode)
{
    return mode == DecodeMode::Cached ? frame.lesson->run.staleCacheRows : 0;
}

ByRole<MatrixSpec> attentionMatrices(const Frame& frame, kv::DecodeMode mode)
{
    std::vector<const kv::HeadRecord*> group;
    for (int h : sharingHeads(frame))
        group.push_back(&frame.headRecord(mode, h));
    const PaneFacts facts{frame, mode, frame.record(mode), group, *group.front(), staleRowCount(frame, mode)};
    const int headDim = static_cast<int>(facts.head.queries.cols());

    ByRole<MatrixSpec> specs;
    specs[Role::Queries] = queriesMatrix(facts);
    specs[Role::KeysT] = keyValueMatrix(facts, Role::KeysT);
    specs[Role::Scores] = resultMatrix(facts, Role::Scores, Phase::Scores, facts.stacked(&kv::HeadRecord::scores), true);
    specs[Role::Scores].title = (facts.cached() ? QStringLiteral("q·Kᵀ/√%1") : QStringLiteral("Q·Kᵀ/√%1 (masked)")).arg(headDim);
    specs[Role::Weights] = resultMatrix(facts, Role::Weights, Phase::Softmax, facts.stacked(&kv::HeadRecord::weights), true);
    specs[Role::Weights].title = QStringLiteral("softmax");
    specs[Role::Values] = keyValueMatrix(facts, Role::Values);
    specs[Role::Output] = resultMatrix(facts, Role::Output, Phase::Mix, facts.stacked(&kv::HeadRecord::output), false);
    specs[Role::Output].title = QStringLiteral("output");

    for (MatrixSpec& spec : specs) {
        spec.caption = spec.shape();
        spec.valueRange = spec.role == Role::Weights ? 1.0 : largestMagnitude(spec.values);
    }
    highlightSelection(facts, specs);
    return specs;
}

} // namespace kvlab
