#include "app/window/PlaybackBar.h"

#include "views/playback/PlaybackController.h"

#include <QAction>
#include <QKeyEvent>
#include <QLabel>
#include <QSlider>
#include <QStyle>

#include <cmath>

namespace kvlab {

namespace {

// The speed slider is logarithmic: -8..8 quarter-octaves around 1×.
double speedOfSlider(int value)
{
    return std::pow(2.0, value / 4.0);
}

} // namespace

PlaybackBar::PlaybackBar(PlaybackController* controller, QWidget* parent)
    : QToolBar(tr("Playback"), parent)
    , m_controller(controller)
    , m_scrubber(new QSlider(Qt::Horizontal, this))
    , m_speed(new QSlider(Qt::Horizontal, this))
    , m_speedLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("playbackBar"));
    setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    // Presentation clickers send PageDown and PageUp: one click, one phase.
    addPlaybackAction(tr("Restart"), QStyle::SP_MediaSkipBackward, {Qt::Key_Home}, &PlaybackController::restart);
    addPlaybackAction(tr("Previous token"), QStyle::SP_MediaSeekBackward, {Qt::SHIFT | Qt::Key_Left},
                      &PlaybackController::previousToken);
    addPlaybackAction(tr("Previous phase"), QStyle::SP_ArrowLeft, {Qt::Key_Left, Qt::Key_PageUp},
                      &PlaybackController::previousPhase);
    m_playAction = addPlaybackAction(tr("Play"), QStyle::SP_MediaPlay, {Qt::Key_Space}, &PlaybackController::togglePlay);
    addPlaybackAction(tr("Next phase"), QStyle::SP_ArrowRight, {Qt::Key_Right, Qt::Key_PageDown},
                      &PlaybackController::nextPhase);
    addPlaybackAction(tr("Next token"), QStyle::SP_MediaSeekForward, {Qt::SHIFT | Qt::Key_Right},
                      &PlaybackController::nextToken);
    addPlaybackAction(tr("Last step"), QStyle::SP_MediaSkipForward, {Qt::Key_End}, &PlaybackController::toEnd);

    addSeparator();
    m_scrubber->setObjectName(QStringLiteral("scrubber"));
    m_scrubber->setMinimumWidth(260);
    m_scrubber->setToolTip(tr("Scrub through every phase of every step"));
    m_scrubber->setFocusPolicy(Qt::NoFocus);
    addWidget(m_scrubber);
    connect(m_scrubber, &QSlider::valueChanged, m_controller, &PlaybackController::setPosition);

    addSeparator();
    addWidget(new QLabel(tr(" Speed "), this));
    m_speed->setObjectName(QStringLiteral("speedSlider"));
    m_speed->setRange(-8, 8);
    m_speed->setMaximumWidth(140);
    m_speed->setFocusPolicy(Qt::NoFocus);
    m_speed->setToolTip(tr("Playback speed (phases per second)"));
    addWidget(m_speed);
    addWidget(m_speedLabel);
    connect(m_speed, &QSlider::valueChanged, this, [this](int value) {
        m_controller->setSpeed(speedOfSlider(value));
        m_speedLabel->setText(QStringLiteral(" %1×").arg(speedOfSlider(value), 0, 'g', 2));
    });
    m_speed->setValue(static_cast<int>(std::lround(4 * std::log2(m_controller->speed()))));
    m_speedLabel->setText(QStringLiteral(" %1×").arg(m_controller->speed(), 0, 'g', 2));

    connect(m_controller, &PlaybackController::playingChanged, this, [this](bool playing) {
        m_playAction->setText(playing ? tr("Pause") : tr("Play"));
        m_playAction->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    });
}

QAction* PlaybackBar::addPlaybackAction(const QString& text, QStyle::StandardPixmap icon,
                                        const QList<QKeySequence>& keys, void (PlaybackController::*slot)())
{
    QAction* action = addAction(style()->standardIcon(icon), text);
    action->setShortcuts(keys);
    action->setShortcutContext(Qt::WindowShortcut);
    QStringList names;
    for (const QKeySequence& key : keys)
        names << key.toString(QKeySequence::NativeText);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(text, names.join(tr(" or "))));
    connect(action, &QAction::triggered, m_controller, slot);
    m_actions.append(action);
    return action;
}

bool PlaybackBar::isPlaybackKey(const QKeyEvent& event) const
{
    const QKeySequence pressed(QKeyCombination(event.modifiers() & ~Qt::KeypadModifier, Qt::Key(event.key())));
    for (const QAction* action : m_actions)
        if (action->shortcuts().contains(pressed))
            return true;
    return false;
}

void PlaybackBar::refresh()
{
    const QSignalBlocker blocker(m_scrubber);
    m_scrubber->setRange(0, std::max(0, m_controller->positionCount() - 1));
    m_scrubber->setValue(m_controller->position());
}

} // namespace kvlab
