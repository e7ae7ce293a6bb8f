#pragma once

#include "views/playback/Frame.h"

#include <QObject>
#include <QTimer>
#include <QVariantAnimation>

#include <memory>

namespace kvlab {

// The playback state of a walk-through (step, phase, animation progress,
// selection) and its one signal: frameChanged. Views only ever see frames.
class PlaybackController : public QObject {
    Q_OBJECT

public:
    explicit PlaybackController(QObject* parent = nullptr);

    void setLesson(std::shared_ptr<const Lesson> lesson);
    // The same walk-through, grown by the steps generated since (a new Lesson
    // over the same walk): the step, phase, layer, head and selection stay.
    void extendLesson(std::shared_ptr<const Lesson> lesson);
    const Frame& frame() const { return m_frame; }
    bool playing() const { return m_timer.isActive(); }
    double speed() const { return m_speed; }
    bool reducedMotion() const { return m_reducedMotion; }
    int position() const; // step * phasesPerStep() + phase number: the scrubber's value
    int positionCount() const;
    int phasesPerStep() const; // 7, or 8 with the Rotate phase of rotary models

public slots:
    void play();
    void pause();
    void togglePlay();
    void nextPhase();
    void previousPhase();
    void nextToken();
    void previousToken();
    void restart();
    void toEnd();
    void setPosition(int position);
    void setSpeed(double speed); // 0.25 .. 4, 1 = one phase every 1.2 s
    void setReducedMotion(bool reduced);
    void setLayer(int layer);
    void setHead(int head);
    void setSelectedToken(int sequenceIndex); // clicking the same token again clears it
    void setTheme(const Theme& theme);

signals:
    void frameChanged(const Frame& frame);
    void playingChanged(bool playing);

private:
    void goTo(int position, bool animate);
    void emitFrame();
    int phaseDurationMs() const;

    Frame m_frame;
    QTimer m_timer;
    QVariantAnimation m_animation;
    double m_speed = 1.0;
    bool m_reducedMotion = false;
};

} // namespace kvlab
