#pragma once

#include <QWidget>

class QAction;

namespace kvlab {

// A black screen over the whole window, toggled by B or "." as presentation
// clickers send them: the room looks at the teacher, not at the slide.
// Playback keys keep working underneath.
class BlackScreen : public QWidget {
    Q_OBJECT

public:
    explicit BlackScreen(QWidget* window);

    QAction* toggleAction() const { return m_toggle; }
    void setShown(bool shown);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    QAction* m_toggle;
};

} // namespace kvlab
