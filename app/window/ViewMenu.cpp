#include "app/window/ViewMenu.h"

#include "app/window/AnalysisDocks.h"
#include "app/window/BlackScreen.h"
#include "app/window/MainWindow.h"
#include "views/playback/PlaybackController.h"

#include <QActionGroup>

namespace kvlab {

ViewMenu::ViewMenu(MainWindow* window)
    : QMenu(tr("&View"), window)
{
    auto* panes = new QActionGroup(this);
    auto addPaneChoice = [&](const QString& text, bool uncached, bool cached) {
        QAction* action = addAction(text, window, [window, uncached, cached] { window->showPanes(uncached, cached); });
        action->setCheckable(true);
        panes->addAction(action);
        return action;
    };
    QAction* both = addPaneChoice(tr("&Both Panes"), true, true);
    both->setChecked(true);
    QAction* uncachedOnly = addPaneChoice(tr("&Without KV Cache Only"), true, false);
    QAction* cachedOnly = addPaneChoice(tr("With KV &Cache Only"), false, true);
    QAction* stacked = addAction(tr("&Stack Panes Vertically"), window, &MainWindow::setPanesStacked);
    stacked->setCheckable(true);
    stacked->setToolTip(tr("One pane above the other, for narrow screens"));
    // Arranged from elsewhere (--layout): the checks say what is shown
    // (setChecked does not trigger the actions, so this does not loop).
    connect(window, &MainWindow::panesArranged, this, [=](bool uncached, bool cached, bool vertical) {
        QAction* shown = uncached && cached ? both : uncached ? uncachedOnly : cachedOnly;
        shown->setChecked(true);
        stacked->setChecked(vertical);
    });
    addSeparator();
    QAction* zoomIn = addAction(tr("Zoom &In"), window, [window] { window->zoomPanes(1.25); });
    zoomIn->setShortcuts({QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal), QKeySequence::ZoomIn});
    zoomIn->setToolTip(tr("Larger cells in both panes (Ctrl+wheel zooms one pane about the pointer)"));
    QAction* zoomOut = addAction(tr("Zoom &Out"), window, [window] { window->zoomPanes(1.0 / 1.25); });
    zoomOut->setShortcuts({QKeySequence(Qt::Key_Minus), QKeySequence::ZoomOut});
    QAction* zoomReset = addAction(tr("&Reset Zoom"), window, &MainWindow::resetPaneZoom);
    zoomReset->setShortcut(QKeySequence(Qt::Key_0));
    zoomReset->setToolTip(tr("The whole pane in view again"));
    addSeparator();
    QAction* dark = addAction(tr("&Dark Theme"), window, [window](bool on) {
        window->setThemeName(on ? QStringLiteral("dark") : QStringLiteral("light"));
    });
    dark->setCheckable(true);
    dark->setChecked(window->themeName() == QLatin1String("dark"));
    QAction* reduced = addAction(tr("&Reduced Motion"), window->controller(), &PlaybackController::setReducedMotion);
    reduced->setCheckable(true);
    reduced->setToolTip(tr("Jump between phases instead of animating"));
    addSeparator();
    addAction(window->samplingToggle());
    addActions(window->docks()->toggleActions());
    addSeparator();
    addAction(tr("&Presentation Mode"), QKeySequence(Qt::Key_F5), window,
              [window] { window->setPresentation(!window->presenting()); });
    addAction(window->blackScreen()->toggleAction());
    addAction(tr("&Full Screen"), QKeySequence(Qt::Key_F11), window,
              [window] { window->isFullScreen() ? window->showNormal() : window->showFullScreen(); });
}

} // namespace kvlab
