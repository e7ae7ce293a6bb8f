#include "app/cli/Launcher.h"

#include "app/window/AssetLocator.h"
#include "app/cli/BenchCommand.h"
#include "app/cli/CliOptions.h"
#include "app/cli/CommandLine.h"
#include "app/cli/CommandMode.h"
#include "app/cli/ExportCommand.h"
#include "app/cli/MemoryCommand.h"
#include "app/cli/TextWalkThrough.h"
#include "app/cli/TokenizeCommand.h"
#include "app/window/WindowRunner.h"

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <iostream>
#include <vector>

namespace kvlab {

namespace {

// Every mode, in the order --help lists them.
const std::vector<CommandMode>& commandModes()
{
    using Needs = CommandMode::Needs;
    static const std::vector<CommandMode> modes = {
        {{}, {}, QStringLiteral("the walk-through window (the options below)"),
         QStringLiteral("kvcache-lab --prompt \"the cat\" --step 3 --phase 4"), Needs::WalkThrough, nullptr},
        {QStringLiteral("--text"), {}, QStringLiteral("the walk-through in the terminal, one line per step"),
         QStringLiteral("kvcache-lab --text --prompt \"the cat\" --temperature 0.8 --seed 3"), Needs::WalkThrough, nullptr},
        {QStringLiteral("--export"), QStringLiteral("DIR"), QStringLiteral("the walk-through as PNG, SVG or PDF pages"),
         QStringLiteral("kvcache-lab --export slides --format pdf"), Needs::Pages, runExportCommand},
        {QStringLiteral("--memory"), QStringLiteral("PRESET"), QStringLiteral("the KV cache memory of a real model"),
         QStringLiteral("kvcache-lab --memory llama-3-70b --context 4096"), Needs::Terminal, runMemoryCommand},
        {QStringLiteral("--bench"), {}, QStringLiteral("time both decode paths on a larger model"),
         QStringLiteral("kvcache-lab --bench --shape gpt2-small --tokens 100"), Needs::Terminal, runBenchCommand},
        {QStringLiteral("--tokenize"), QStringLiteral("TEXT"), QStringLiteral("a model's token ids and pieces of TEXT"),
         QStringLiteral("kvcache-lab --tokenize \"I saw\" --model DIR"), Needs::Terminal, runTokenizeCommand},
    };
    return modes;
}

const CommandMode* modeOf(const QStringList& arguments)
{
    for (const CommandMode& mode : commandModes())
        if (mode.run && arguments.size() > 1 && arguments[1] == mode.flag)
            return &mode;
    return nullptr;
}

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

QString usageText(const QString& program, const CliOptions& options)
{
    QStringList lines;
    lines << QStringLiteral("Usage: %1 [MODE] [options]").arg(program)
          << QStringLiteral("KV Cache Lab: watch a tiny transformer decode with and without a KV cache.") << QString()
          << QStringLiteral("Modes (the first argument; \"%1 MODE --help\" lists a mode's own options):").arg(program);
    for (const CommandMode& mode : commandModes()) {
        const QString name = mode.flag.isEmpty() ? QStringLiteral("(none)") : (mode.flag + QLatin1Char(' ') + mode.argument).trimmed();
        QString example = mode.example;
        example.replace(QStringLiteral("kvcache-lab"), program);
        lines << QStringLiteral("  %1 %2 e.g. %3").arg(name, -17).arg(mode.summary + QLatin1Char(';'), -52).arg(example);
    }
    lines << QString() << QStringLiteral("Options of the window and --text:");
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n') + options.helpText;
}

// The window, or --text: the common options, the terminal when there is no display.
int runWalkThrough(int& argc, char** argv, const QStringList& arguments)
{
    const QString program = arguments.isEmpty() ? QStringLiteral("kvcache-lab") : QFileInfo(arguments[0]).fileName();
    const CliOptions::Result parsed = CliOptions::parse(arguments);
    if (!parsed.options) {
        std::cerr << program.toStdString() << ": " << parsed.error.toStdString() << "\n"
                  << "Try '" << program.toStdString() << " --help'.\n";
        return 2;
    }
    CliOptions options = *parsed.options;
    if (options.helpRequested) {
        std::cout << usageText(program, options).toStdString();
        return 0;
    }
    if (options.versionRequested) {
        QCoreApplication app(argc, argv); // to know where the executable is
        std::cout << "kvcache-lab " << KVLAB_VERSION << "\n"
                  << "assets: " << QDir::toNativeSeparators(AssetLocator::assetsDir()).toStdString() << "\n";
        return 0;
    }
    if (options.mode == CliOptions::Mode::Window && !displayAvailable()) {
        std::cerr << program.toStdString() << ": no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the "
                     "walk-through runs in the terminal instead of a window.\n";
        options.mode = CliOptions::Mode::Text;
    }
    if (options.mode == CliOptions::Mode::Text) {
        QCoreApplication app(argc, argv);
        setApplicationNames();
        return runTextWalkThrough(options, std::cout, std::cerr);
    }
    QApplication app(argc, argv);
    setApplicationNames();
    QGuiApplication::setDesktopFileName(QStringLiteral(KVLAB_APP_ID));
    QApplication::setWindowIcon(AssetLocator::appIcon());
    return runWindow(options);
}

} // namespace

int launch(int argc, char** argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const CommandMode* mode = modeOf(arguments);
    if (!mode)
        return runWalkThrough(argc, argv, arguments);
    if (mode->needs == CommandMode::Needs::Terminal) {
        QCoreApplication app(argc, argv);
        setApplicationNames();
        return mode->run(arguments.mid(2), std::cout, std::cerr);
    }
    if (!displayAvailable())
        qputenv("QT_QPA_PLATFORM", "offscreen"); // pages are painted, never shown
    QApplication app(argc, argv);
    setApplicationNames();
    return mode->run(arguments.mid(2), std::cout, std::cerr);
}

} // namespace kvlab
