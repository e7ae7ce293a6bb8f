#pragma once

#include <QStringList>

#include <ostream>

namespace kvlab {

// `kvcache-lab --memory PRESET [--context N] [--batch B] [--dtype D]
// [--kv-heads K] [--gpu NAME]`, or `--memory list`. `arguments` are those
// after --memory. Prints `key: value` lines (plain integers for the byte
// counts) and the formula filled in. Returns the exit code: 0, or 2 with one
// message on `err` for an unknown preset, GPU or dtype, or a nonsense value.
int runMemoryCommand(const QStringList& arguments, std::ostream& out, std::ostream& err);

} // namespace kvlab
