#pragma once

#include "app/cli/CliOptions.h"

namespace kvlab {

// Opens the walk-through window and runs the event loop. Needs a QApplication.
int runWindow(const CliOptions& options);

} // namespace kvlab
