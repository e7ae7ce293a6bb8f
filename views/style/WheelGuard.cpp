#include "views/style/WheelGuard.h"

#include <QAbstractSpinBox>
#include <QComboBox>
#include <QEvent>

namespace kvlab {

namespace {

bool guarded(const QObject* object)
{
    return qobject_cast<const QAbstractSpinBox*>(object) || qobject_cast<const QComboBox*>(object);
}

} // namespace

WheelGuard::WheelGuard(QWidget* root)
    : QObject(root)
{
    const QList<QWidget*> fields = root->findChildren<QWidget*>();
    for (QWidget* field : fields) {
        if (!guarded(field))
            continue;
        // Wheel focus would let the wheel itself give the field focus, then change it.
        if (field->focusPolicy() == Qt::WheelFocus)
            field->setFocusPolicy(Qt::StrongFocus);
        field->installEventFilter(this);
    }
}

bool WheelGuard::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Wheel && guarded(watched) && !static_cast<QWidget*>(watched)->hasFocus()) {
        event->ignore(); // the parent (a scroll area) scrolls instead
        return true;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace kvlab
