#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace kvlab {

// A row above the token strip for work that runs on a thread: what is going
// on in words, a progress bar and Cancel. Its widgets are named
// `<name>Bar`, `<name>Text`, `<name>Progress` and `<name>Cancel` (tests find
// them so); Cancel never takes the focus, so the keys stay with playback.
class TaskBar : public QWidget {
    Q_OBJECT

public:
    QLabel* text() const { return m_text; }
    QProgressBar* progress() const { return m_progress; }
    QPushButton* cancelButton() const { return m_cancel; }

signals:
    void cancelClicked();

protected:
    TaskBar(const QString& name, const QString& cancelTip, QWidget* parent);

private:
    QLabel* m_text;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
};

} // namespace kvlab
