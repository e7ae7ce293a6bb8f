#include "Launcher.h"

#include "BenchCommand.h"
#include "CliOptions.h"
#include "ExportCommand.h"
#include "MemoryCommand.h"
#include "TextWalkThrough.h"
#include "WindowRunner.h"

#include <QApplication>
#include <QCoreApplication>

#include <iostream>
#include <memory>

namespace kvlab {

namespace {

bool displayAvailable()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

void setApplicationNames()
{
    QCoreApplication::setOrganizationName(QStringLiteral("KV Cache Lab"));
    QCoreApplication::setApplicationName(QStringLiteral("kvcache-lab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KVLAB_VERSION));
}

} // namespace

int launch(int argc, char** argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    if (arguments.size() > 1 && arguments[1] == QLatin1String("--memory")) {
        QCoreApplication app(argc, argv);
        setApplicationNames();
        return runMemoryCommand(arguments.mid(2), std::cout, std::cerr);
    }
    if (arguments.size() > 1 && arguments[1] == QLatin1String("--bench")) {
        QCoreApplication app(argc, argv);
        setApplicationNames();
        return runBenchCommand(arguments.mid(2), std::cout, std::cerr);
    }
    if (arguments.size() > 1 && arguments[1] == QLatin1String("--export")) {
        if (!displayAvailable())
            qputenv("QT_QPA_PLATFORM", "offscreen"); // export paints pages, never a window
        QApplication app(argc, argv);
        setApplicationNames();
        return runExportCommand(arguments.mid(2), std::cout, std::cerr);
    }
    const CliOptions::Result parsed = CliOptions::parse(arguments);
    if (!parsed.options) {
        std::cerr << "kvcache-lab: " << parsed.error.toStdString() << "\n"
                  << "Try 'kvcache-lab --help'.\n";
        return 2;
    }
    CliOptions options = *parsed.options;
    if (options.helpRequested) {
        std::cout << options.helpText.toStdString();
        return 0;
    }
    if (options.versionRequested) {
        std::cout << "kvcache-lab " << KVLAB_VERSION << "\n";
        return 0;
    }
    if (options.mode == CliOptions::Mode::Window && !displayAvailable()) {
        std::cerr << "kvcache-lab: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the walk-through "
                     "runs in the terminal instead of a window.\n";
        options.mode = CliOptions::Mode::Text;
    }
    if (options.mode == CliOptions::Mode::Text) {
        QCoreApplication app(argc, argv);
        setApplicationNames();
        return runTextWalkThrough(options, std::cout, std::cerr);
    }
    QApplication app(argc, argv);
    setApplicationNames();
    return runWindow(options);
}

} // namespace kvlab
