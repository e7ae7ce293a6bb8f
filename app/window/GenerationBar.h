#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace kvlab {

// Above the token strip while a walk-through is being generated: how many
// steps are done of how many, and Cancel (Esc). After a cancel it stays, in
// words, to say where the walk-through now ends.
class GenerationBar : public QWidget {
    Q_OBJECT

public:
    explicit GenerationBar(QWidget* parent = nullptr);

    void showRunning(int done, int planned);
    void showStopped(const QString& note);

    QLabel* text() const { return m_text; }
    QProgressBar* progress() const { return m_progress; }
    QPushButton* cancelButton() const { return m_cancel; }

signals:
    void cancelClicked();

private:
    QLabel* m_text;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
};

} // namespace kvlab
