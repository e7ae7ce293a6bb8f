#pragma once

#include <QMenu>

namespace kvlab {

class MainWindow;

// View: which panes and how, theme, motion, docks, presentation, full screen.
class ViewMenu : public QMenu {
    Q_OBJECT

public:
    explicit ViewMenu(MainWindow* window);
};

} // namespace kvlab
