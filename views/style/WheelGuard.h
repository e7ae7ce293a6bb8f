#pragma once

#include <QObject>

class QWidget;

namespace kvlab {

// Keeps the mouse wheel from changing a spin box or combo box the pointer
// merely passes over: under `root`, such a field takes the wheel only once it
// has focus (click or Tab into it); until then the wheel scrolls what holds
// it. The guard lives as long as `root` and covers the fields existing when
// it is made.
class WheelGuard : public QObject {
    Q_OBJECT

public:
    explicit WheelGuard(QWidget* root);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

} // namespace kvlab
