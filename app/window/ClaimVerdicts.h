#pragma once

#include "core/lab/BenchmarkSummary.h"

#include <QCoreApplication>
#include <QString>

namespace kvlab {

// The seed articles' claims, each checked against figures the app computes.
class ClaimVerdicts {
    Q_DECLARE_TR_FUNCTIONS(ClaimVerdicts)

public:
    // "A 13B model on a 40 GB A100: about 65% weights, about 30% KV cache."
    static QString thirteenBOnA100();
    // "Llama-3-70B needs about 2.5 MB of KV cache per token."
    static QString llama3PerToken();
    // "100 tokens: 42 s without the cache, 9 s with it (about 5x)."
    static QString fiveTimesFaster(const kv::BenchmarkSummary& summary);
    // "The first token is slower than the ones after it."
    static QString firstTokenSlower(const kv::BenchmarkSummary& summary);
};

} // namespace kvlab
