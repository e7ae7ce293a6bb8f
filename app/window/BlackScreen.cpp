#include "app/window/BlackScreen.h"

#include <QAction>
#include <QEvent>
#include <QPainter>

namespace kvlab {

BlackScreen::BlackScreen(QWidget* window)
    : QWidget(window)
    , m_toggle(new QAction(tr("&Black Screen"), this))
{
    setObjectName(QStringLiteral("blackScreen"));
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_toggle->setCheckable(true);
    m_toggle->setShortcuts({QKeySequence(Qt::Key_B), QKeySequence(Qt::Key_Period)});
    m_toggle->setShortcutContext(Qt::WindowShortcut);
    m_toggle->setToolTip(tr("Black out the screen, and back (B or .)"));
    connect(m_toggle, &QAction::toggled, this, &BlackScreen::setShown);
    window->installEventFilter(this);
    hide();
}

void BlackScreen::setShown(bool shown)
{
    const QSignalBlocker blocker(m_toggle);
    m_toggle->setChecked(shown);
    setGeometry(parentWidget()->rect());
    setVisible(shown);
    if (shown)
        raise();
}

bool BlackScreen::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize)
        setGeometry(parentWidget()->rect());
    return QWidget::eventFilter(watched, event);
}

void BlackScreen::paintEvent(QPaintEvent*)
{
    QPainter(this).fillRect(rect(), Qt::black);
}

} // namespace kvlab
