#include "app/window/WindowRunner.h"

#include "app/window/MainWindow.h"

#include "views/playback/PlaybackController.h"

#include <QApplication>
#include <QTimer>

#include <iostream>

namespace kvlab {

namespace {

// Lets the window settle at its final size, then grabs what it shows;
// mid-animation, steps into the phase and grabs a fifth of a second in.
void grabLater(MainWindow& window, const CliOptions& options)
{
    PlaybackController* controller = window.controller();
    const int settle = options.midAnimation ? 1300 : 1500;
    if (options.midAnimation)
        QTimer::singleShot(settle, controller, &PlaybackController::nextPhase);
    QTimer::singleShot(options.midAnimation ? settle + 200 : settle, &window, [&window, &options] {
        const bool saved = window.grab().save(options.screenshotPath);
        if (!saved)
            std::cerr << "kvcache-lab: could not write " << options.screenshotPath.toStdString() << "\n";
        QApplication::exit(saved ? 0 : 2);
    });
}

} // namespace

int runWindow(const CliOptions& options)
{
    MainWindow window(options);
    if (!window.startupError().isEmpty()) {
        std::cerr << "kvcache-lab: " << window.startupError().toStdString() << "\n";
        return 2;
    }
    // A large model given with --model loads while the window shows: its error comes later, and ends the run the same way.
    QObject::connect(&window, &MainWindow::startupFailed, &window, [](const QString& message) {
        std::cerr << "kvcache-lab: " << message.toStdString() << "\n";
        QApplication::exit(2);
    });
    if (!options.theme.isEmpty())
        window.setThemeName(options.theme);
    window.show();
    if (options.presentation)
        window.setPresentation(true);
    // Opens at the step asked for once it is there: a large model loads first,
    // and a walk-through generated in the background shows its first steps
    // while the later ones run.
    window.openWhenReady(options.startStep, options.startPhase, [&window, &options](const QString& note) {
        if (!note.isEmpty())
            std::cerr << "kvcache-lab: " << note.toStdString() << "\n";
        if (options.midAnimation)
            window.controller()->previousPhase();
        if (!options.screenshotPath.isEmpty())
            grabLater(window, options);
    });
    return QApplication::exec();
}

} // namespace kvlab
