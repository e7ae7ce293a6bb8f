#pragma once

namespace kvlab {

// Reads the command line, picks the mode (window, or a terminal mode that
// needs no display) and runs it. Returns the process exit code.
int launch(int argc, char** argv);

} // namespace kvlab
