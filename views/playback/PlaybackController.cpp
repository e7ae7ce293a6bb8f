#include "views/playback/PlaybackController.h"

#include <algorithm>

namespace kvlab {

PlaybackController::PlaybackController(QObject* parent)
    : QObject(parent)
{
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (position() + 1 >= positionCount()) {
            pause();
            return;
        }
        goTo(position() + 1, true);
    });
    m_animation.setStartValue(0.0);
    m_animation.setEndValue(1.0);
    m_animation.setEasingCurve(QEasingCurve::OutCubic);
    connect(&m_animation, &QVariantAnimation::valueChanged, this, [this](const QVariant& value) {
        m_frame.progress = value.toDouble();
        emitFrame();
    });
}

void PlaybackController::setLesson(std::shared_ptr<const Lesson> lesson)
{
    m_animation.stop();
    m_frame.lesson = std::move(lesson);
    const kv::ModelConfig& config = m_frame.lesson->config();
    m_frame.layer = std::clamp(m_frame.layer, 0, config.nLayer - 1);
    m_frame.head = std::clamp(m_frame.head, 0, config.nHead - 1);
    m_frame.selectedToken = -1;
    goTo(0, false);
}

int PlaybackController::phasesPerStep() const
{
    return m_frame.lesson ? m_frame.lesson->phases.count() : 0;
}

void PlaybackController::extendLesson(std::shared_ptr<const Lesson> lesson)
{
    m_frame.lesson = std::move(lesson);
    emitFrame();
}

int PlaybackController::position() const
{
    return m_frame.lesson ? m_frame.step * phasesPerStep() + m_frame.phaseNumber() : 0;
}

int PlaybackController::positionCount() const
{
    return m_frame.lesson ? m_frame.lesson->stepCount() * phasesPerStep() : 0;
}

int PlaybackController::phaseDurationMs() const
{
    return static_cast<int>(1200.0 / m_speed);
}

void PlaybackController::goTo(int target, bool animate)
{
    if (positionCount() == 0)
        return;
    target = std::clamp(target, 0, positionCount() - 1);
    m_animation.stop();
    m_frame.step = target / phasesPerStep();
    m_frame.phase = m_frame.lesson->phases.at(target % phasesPerStep());
    if (m_frame.selectedToken >= static_cast<int>(m_frame.record(kv::DecodeMode::Cached).keyTokens.size()))
        m_frame.selectedToken = -1;
    if (animate && !m_reducedMotion) {
        m_frame.progress = 0.0;
        m_animation.setDuration(static_cast<int>(phaseDurationMs() * 0.6));
        m_animation.start();
    } else {
        m_frame.progress = 1.0;
    }
    emitFrame();
}

void PlaybackController::emitFrame()
{
    emit frameChanged(m_frame);
}

void PlaybackController::play()
{
    if (playing() || positionCount() == 0)
        return;
    if (position() + 1 >= positionCount())
        goTo(0, false);
    m_timer.start(phaseDurationMs());
    emit playingChanged(true);
}

void PlaybackController::pause()
{
    if (!playing())
        return;
    m_timer.stop();
    emit playingChanged(false);
}

void PlaybackController::togglePlay()
{
    playing() ? pause() : play();
}

void PlaybackController::nextPhase()
{
    goTo(position() + 1, true);
}

void PlaybackController::previousPhase()
{
    goTo(position() - 1, false);
}

void PlaybackController::nextToken()
{
    goTo((m_frame.step + 1) * phasesPerStep(), true);
}

void PlaybackController::previousToken()
{
    // From the middle of a step, back to its start; from its start, to the previous step.
    const int start = m_frame.step * phasesPerStep();
    goTo(position() == start ? start - phasesPerStep() : start, false);
}

void PlaybackController::restart()
{
    pause();
    goTo(0, false);
}

void PlaybackController::toEnd()
{
    pause();
    goTo(positionCount() - 1, false);
}

void PlaybackController::setPosition(int target)
{
    if (target != position())
        goTo(target, false);
}

void PlaybackController::setSpeed(double speed)
{
    m_speed = std::clamp(speed, 0.25, 4.0);
    if (playing())
        m_timer.setInterval(phaseDurationMs());
}

void PlaybackController::setReducedMotion(bool reduced)
{
    m_reducedMotion = reduced;
    if (reduced && m_animation.state() == QAbstractAnimation::Running) {
        m_animation.stop();
        m_frame.progress = 1.0;
        emitFrame();
    }
}

void PlaybackController::setLayer(int layer)
{
    m_frame.layer = layer;
    emitFrame();
}

void PlaybackController::setHead(int head)
{
    m_frame.head = head;
    emitFrame();
}

void PlaybackController::setSelectedToken(int sequenceIndex)
{
    m_frame.selectedToken = sequenceIndex == m_frame.selectedToken ? -1 : sequenceIndex;
    emitFrame();
}

void PlaybackController::setTheme(const Theme& theme)
{
    m_frame.theme = theme;
    emitFrame();
}

} // namespace kvlab
