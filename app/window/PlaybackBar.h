#pragma once

#include <QToolBar>

class QAction;
class QKeyEvent;
class QLabel;
class QSlider;

namespace kvlab {

class PlaybackController;

// Playback actions with their keyboard shortcuts, the step scrubber and the
// speed slider, all bound to one PlaybackController.
class PlaybackBar : public QToolBar {
    Q_OBJECT

public:
    PlaybackBar(PlaybackController* controller, QWidget* parent = nullptr);

    QList<QAction*> playbackActions() const { return m_actions; }
    // Is this key press one of the playback shortcuts (Space, arrows, Home, End, PageUp, PageDown)?
    bool isPlaybackKey(const QKeyEvent& event) const;
    QSlider* scrubber() const { return m_scrubber; }
    QSlider* speedSlider() const { return m_speed; }
    void refresh(); // after the frame or the lesson changed

private:
    QAction* addPlaybackAction(const QString& text, QStyle::StandardPixmap icon, const QList<QKeySequence>& keys,
                               void (PlaybackController::*slot)());

    PlaybackController* m_controller;
    QList<QAction*> m_actions;
    QAction* m_playAction = nullptr;
    QSlider* m_scrubber;
    QSlider* m_speed;
    QLabel* m_speedLabel;
};

} // namespace kvlab
