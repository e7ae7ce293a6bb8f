#pragma once

#include <QString>
#include <QStringList>

#include <ostream>

namespace kvlab {

// One way to run kvcache-lab, chosen by the first argument. The launcher
// holds the one list of them; `--help` prints it.
struct CommandMode {
    enum class Needs {
        WalkThrough, // the window, or the terminal walk-through: the common options
        Terminal,    // no display at all
        Pages,       // paints pages: a GUI application, offscreen without a display
    };

    QString flag;     // the first argument that selects it; empty for the window
    QString argument; // what follows the flag in the usage, e.g. "DIR"
    QString summary;  // one line
    QString example;  // a complete command line
    Needs needs = Needs::Terminal;
    // Runs the mode on the arguments after the flag; returns the exit code.
    int (*run)(const QStringList& arguments, std::ostream& out, std::ostream& err) = nullptr;
};

} // namespace kvlab
