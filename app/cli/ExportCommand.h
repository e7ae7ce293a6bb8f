#pragma once

#include <QStringList>

#include <ostream>

namespace kvlab {

// `kvcache-lab --export DIR [--format png|svg|pdf] [--steps all|N|N-M]
// [--phases] [--view both|cached|uncached|strip|window] [--size WxH|a4]
// [--theme print|screen] [--prompt TEXT] [--model DIR] [--force]
// [--animation [--fps N]] [--scale F] [--transparent] [--no-caption]
// [--layer N] [--head N]`. `arguments` are those after --export. Needs a
// QGuiApplication (the offscreen platform will do). Prints the path of each
// file written, one a line. Returns 0; 1 when the export itself failed (a
// file exists without --force, the folder is unwritable), nothing written;
// 2 with one message on `err` for bad input.
int runExportCommand(const QStringList& arguments, std::ostream& out, std::ostream& err);

} // namespace kvlab
