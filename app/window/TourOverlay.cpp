#include "app/window/TourOverlay.h"

#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace kvlab {

namespace {

constexpr int kCardWidth = 420;
constexpr int kMargin = 12;

} // namespace

TourOverlay::TourOverlay(QWidget* window, std::vector<Step> steps)
    : QWidget(window)
    , m_steps(std::move(steps))
    , m_card(new QFrame(window))
    , m_title(new QLabel(m_card))
    , m_text(new QLabel(m_card))
    , m_counter(new QLabel(m_card))
    , m_back(new QPushButton(tr("Back"), m_card))
    , m_next(new QPushButton(tr("Next"), m_card))
    , m_skip(new QPushButton(tr("Skip tour"), m_card))
{
    setObjectName(QStringLiteral("tour"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    m_card->setObjectName(QStringLiteral("tourCard"));
    m_card->setAutoFillBackground(true);
    static_cast<QFrame*>(m_card)->setFrameShape(QFrame::StyledPanel);
    m_card->setFixedWidth(kCardWidth);
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    m_title->setFont(bold);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_counter);
    buttons->addStretch();
    buttons->addWidget(m_skip);
    buttons->addWidget(m_back);
    buttons->addWidget(m_next);
    auto* layout = new QVBoxLayout(m_card);
    layout->addWidget(m_title);
    layout->addWidget(m_text);
    layout->addLayout(buttons);
    connect(m_next, &QPushButton::clicked, this, &TourOverlay::next);
    connect(m_back, &QPushButton::clicked, this, &TourOverlay::back);
    connect(m_skip, &QPushButton::clicked, this, &TourOverlay::finish);
    window->installEventFilter(this);
    hide();
    m_card->hide();
}

QString TourOverlay::seenKey()
{
    return QStringLiteral("tour/seen");
}

bool TourOverlay::startIfFirstRun()
{
    if (QStandardPaths::isTestModeEnabled() || QSettings().value(seenKey(), false).toBool())
        return false;
    start();
    return true;
}

void TourOverlay::start()
{
    if (m_steps.empty())
        return;
    QSettings().setValue(seenKey(), true);
    m_running = true;
    m_step = 0;
    showStep();
}

void TourOverlay::next()
{
    if (m_step + 1 >= stepCount()) {
        finish();
        return;
    }
    ++m_step;
    showStep();
}

void TourOverlay::back()
{
    if (m_step == 0)
        return;
    --m_step;
    showStep();
}

void TourOverlay::finish()
{
    m_running = false;
    hide();
    m_card->hide();
}

QRect TourOverlay::spotlight() const
{
    const QWidget* target = m_running ? currentStep().target.data() : nullptr;
    if (!target || !target->isVisible())
        return {};
    return QRect(target->mapTo(parentWidget(), QPoint(0, 0)), target->size()).adjusted(-4, -4, 4, 4);
}

void TourOverlay::showStep()
{
    const Step& step = currentStep();
    m_title->setText(step.title);
    m_text->setText(step.text);
    m_counter->setText(tr("%1 of %2").arg(m_step + 1).arg(stepCount()));
    m_back->setEnabled(m_step > 0);
    m_next->setText(m_step + 1 == stepCount() ? tr("Done") : tr("Next"));
    setGeometry(parentWidget()->rect());
    show();
    raise();
    placeCard();
    m_card->show();
    m_card->raise();
    update();
}

// Beside the spotlight where there is room (below, above, right, left), else in the middle.
void TourOverlay::placeCard()
{
    m_card->adjustSize();
    const QRect window = parentWidget()->rect();
    const QRect spot = spotlight();
    const QSize size = m_card->size();
    QPoint at = window.center() - QPoint(size.width() / 2, size.height() / 2);
    if (!spot.isEmpty()) {
        const int x = std::clamp(spot.center().x() - size.width() / 2, kMargin, window.width() - size.width() - kMargin);
        const int y = std::clamp(spot.center().y() - size.height() / 2, kMargin, window.height() - size.height() - kMargin);
        if (spot.bottom() + kMargin + size.height() <= window.bottom())
            at = QPoint(x, spot.bottom() + kMargin);
        else if (spot.top() - kMargin - size.height() >= window.top())
            at = QPoint(x, spot.top() - kMargin - size.height());
        else if (spot.right() + kMargin + size.width() <= window.right())
            at = QPoint(spot.right() + kMargin, y);
        else if (spot.left() - kMargin - size.width() >= window.left())
            at = QPoint(spot.left() - kMargin - size.width(), y);
    }
    m_card->move(at);
}

void TourOverlay::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing, true);
    QPainterPath dim;
    dim.addRect(rect());
    const QRect spot = spotlight();
    if (!spot.isEmpty()) {
        QPainterPath hole;
        hole.addRoundedRect(spot, 6, 6);
        dim = dim.subtracted(hole);
    }
    painter.fillPath(dim, QColor(0, 0, 0, 110));
    if (!spot.isEmpty()) {
        painter.setPen(QPen(palette().highlight().color(), 3));
        painter.drawRoundedRect(spot, 6, 6);
    }
}

bool TourOverlay::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parentWidget() && m_running && (event->type() == QEvent::Resize || event->type() == QEvent::LayoutRequest)) {
        setGeometry(parentWidget()->rect());
        placeCard();
        m_card->raise();
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace kvlab
