#pragma once

#include <QString>
#include <QStringList>

#include <sstream>

namespace kvtest {

// What a command-line entry point (`int run(args, out, err)`) printed and returned.
struct CommandRun {
    int exitCode = -1;
    QString out;
    QString err;
};

template <typename Command>
CommandRun runCommand(Command command, const QStringList& arguments)
{
    std::ostringstream out;
    std::ostringstream err;
    const int exitCode = command(arguments, out, err);
    return {exitCode, QString::fromStdString(out.str()), QString::fromStdString(err.str())};
}

} // namespace kvtest
