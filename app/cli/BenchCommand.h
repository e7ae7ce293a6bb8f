#pragma once

#include <QStringList>

#include <ostream>

namespace kvlab {

// `kvcache-lab --bench [--shape tiny|small|gpt2-small] [--tokens N]
// [--prompt-tokens P] [--threads T]`; `arguments` are those after --bench.
// Measures the machine, times both decode paths over random weights, prints
// one line per step as it completes, then each path's bound and fraction of
// its roofline (cached_bound, uncached_bound, cached_fraction_of_roofline,
// uncached_fraction_of_roofline) and ends with `key: number` lines
// (prefill_ms, decode_ms_per_token_cached, decode_ms_per_token_uncached,
// predicted_speedup, roofline_speedup, measured_speedup). Returns 0, or 2
// with one message on `err` for an unknown shape or a bad count.
int runBenchCommand(const QStringList& arguments, std::ostream& out, std::ostream& err);

} // namespace kvlab
