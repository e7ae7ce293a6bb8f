#include "WindowRunner.h"

#include "MainWindow.h"

#include "PlaybackController.h"

#include <QApplication>
#include <QTimer>

#include <iostream>

namespace kvlab {

int runWindow(const CliOptions& options)
{
    MainWindow window(options);
    if (!options.theme.isEmpty())
        window.setThemeName(options.theme);
    window.show();
    if (options.presentation)
        window.setPresentation(true);
    PlaybackController* controller = window.controller();
    controller->setPosition(options.startStep * kPhaseCount + options.startPhase - 1);
    if (!options.screenshotPath.isEmpty()) {
        // Let the window settle at its final size, then grab what it shows.
        QTimer::singleShot(1500, &window, [&window, &options] {
            window.controller()->setPosition(window.controller()->position());
            const bool saved = window.grab().save(options.screenshotPath);
            if (!saved)
                std::cerr << "kvcache-lab: could not write " << options.screenshotPath.toStdString() << "\n";
            QApplication::exit(saved ? 0 : 2);
        });
    }
    return QApplication::exec();
}

} // namespace kvlab
