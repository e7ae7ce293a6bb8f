#pragma once

#include <QPointer>
#include <QWidget>

#include <vector>

class QLabel;
class QPushButton;

namespace kvlab {

// The first-run tour: a few steps over the window, each dimming everything
// but one part (the token strip, a pane, the legend...) with a card that
// says what it is for. It starts by itself the first time the app runs
// (remembered in QSettings) and again from Help ▸ Tour. The dimming lets
// clicks and keys through: the window stays usable under it.
class TourOverlay : public QWidget {
    Q_OBJECT

public:
    struct Step {
        QPointer<QWidget> target; // null or hidden: the card sits in the middle
        QString title;
        QString text;
    };

    TourOverlay(QWidget* window, std::vector<Step> steps);

    void start();
    // Starts the tour unless it has run before (or a test harness runs the app); true when it started.
    bool startIfFirstRun();
    void next();
    void back();
    void finish();

    bool running() const { return m_running; }
    int step() const { return m_step; }
    int stepCount() const { return static_cast<int>(m_steps.size()); }
    const Step& currentStep() const { return m_steps.at(static_cast<std::size_t>(m_step)); }
    QWidget* card() const { return m_card; }
    QPushButton* nextButton() const { return m_next; }
    QPushButton* backButton() const { return m_back; }
    QPushButton* skipButton() const { return m_skip; }
    // The part of the window the current step shows, in window coordinates (empty: none).
    QRect spotlight() const;

    static QString seenKey(); // the QSettings key remembering that the tour has run

protected:
    void paintEvent(QPaintEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showStep();
    void placeCard();

    std::vector<Step> m_steps;
    int m_step = 0;
    bool m_running = false;
    QWidget* m_card;
    QLabel* m_title;
    QLabel* m_text;
    QLabel* m_counter;
    QPushButton* m_back;
    QPushButton* m_next;
    QPushButton* m_skip;
};

} // namespace kvlab
