#pragma once

#include "core/decode/DecodeMode.h"
#include "views/playback/Frame.h"

#include <QCoreApplication>
#include <QString>

namespace kvlab {

// The words of the walk-through: every sentence is filled in from the traces
// (shapes, tokens, counts, bytes), never typed in.
class Narrator {
    Q_DECLARE_TR_FUNCTIONS(Narrator)

public:
    struct Verdict {
        bool known = false; // the next token is not shown before its phase
        bool agrees = true;
        QString text;
    };

    static QString stepTitle(const Frame& frame);
    // Two or three sentences on the current phase (rich text).
    static QString narration(const Frame& frame);
    static QString paneSubtitle(const Frame& frame, kv::DecodeMode mode);
    static QString paneWork(const Frame& frame, kv::DecodeMode mode);
    static QString paneMacs(const Frame& frame, kv::DecodeMode mode);
    static QString paneMemory(const Frame& frame, kv::DecodeMode mode);
    static Verdict paneVerdict(const Frame& frame, kv::DecodeMode mode);
    // "head 2 reads KV head 1, shared with heads 2, 3"
    static QString headSharing(const kv::ModelConfig& config, int head);
    static QString bytes(std::int64_t count);

    // The drawn token's probability in the distribution it was drawn from
    // (after temperature, top-k and top-p); greedy decoding takes the
    // model's own probability of the argmax.
    static double drawnProbability(const kv::StepRecord& record);
    // Two decimals, or two significant digits for a long shot: a drawn token never reads "p = 0.00".
    static QString probabilityText(double p);
    // "“car” with p = 0.87", or with sampling how it was drawn.
    static QString drawnToken(const Frame& frame, kv::DecodeMode mode);
    // The token strip's next-token box: "next → car  (p = 0.87)".
    static QString nextTokenLabel(const Frame& frame);
    // The position the next token will be embedded at by the cached side
    // (0 again when a demonstration freezes the position counter).
    static int nextPosition(const Frame& frame);
};

} // namespace kvlab
