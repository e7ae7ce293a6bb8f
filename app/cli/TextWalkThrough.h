#pragma once

#include "app/cli/CliOptions.h"

#include <ostream>

namespace kvlab {

// `kvcache-lab --text`: runs both decode paths and prints one line per step.
// Returns the process exit code: 0, or 2 with one message on `err`.
int runTextWalkThrough(const CliOptions& options, std::ostream& out, std::ostream& err);

} // namespace kvlab
