#include "app/window/WindowRunner.h"

#include "app/window/MainWindow.h"

#include "views/playback/PlaybackController.h"

#include <QApplication>
#include <QTimer>

#include <iostream>

namespace kvlab {

int runWindow(const CliOptions& options)
{
    MainWindow window(options);
    if (!window.startupError().isEmpty()) {
        std::cerr << "kvcache-lab: " << window.startupError().toStdString() << "\n";
        return 2;
    }
    if (!options.theme.isEmpty())
        window.setThemeName(options.theme);
    window.show();
    if (options.presentation)
        window.setPresentation(true);
    PlaybackController* controller = window.controller();
    const QString note = window.openAt(options.startStep, options.startPhase);
    if (!note.isEmpty())
        std::cerr << "kvcache-lab: " << note.toStdString() << "\n";
    if (options.midAnimation)
        controller->previousPhase();
    if (!options.screenshotPath.isEmpty()) {
        // Let the window settle at its final size, then grab what it shows;
        // mid-animation, step into the phase and grab a fifth of a second in.
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
    return QApplication::exec();
}

} // namespace kvlab
