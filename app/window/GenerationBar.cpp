#include "app/window/GenerationBar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace kvlab {

GenerationBar::GenerationBar(QWidget* parent)
    : QWidget(parent)
    , m_text(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    setObjectName(QStringLiteral("generationBar"));
    m_text->setObjectName(QStringLiteral("generationText"));
    m_text->setWordWrap(true);
    m_progress->setObjectName(QStringLiteral("generationProgress"));
    m_progress->setFormat(tr("%v of %m steps"));
    m_progress->setMinimumWidth(220);
    m_progress->setMaximumWidth(360);
    m_cancel->setObjectName(QStringLiteral("generationCancel"));
    m_cancel->setToolTip(tr("Stop generating (Esc): the walk-through keeps the steps generated so far"));
    m_cancel->setFocusPolicy(Qt::NoFocus); // the keys stay with playback
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &GenerationBar::cancelClicked);
    hide();
}

void GenerationBar::showRunning(int done, int planned)
{
    m_text->setText(done == 0 ? tr("Generating with the cache: the prefill is running…")
                              : tr("Generating with the cache: step %1 of at most %2 done. The steps so far can be "
                                   "explored while the rest run; Esc or Cancel stops here.")
                                    .arg(done - 1)
                                    .arg(planned - 1));
    m_progress->setRange(0, planned);
    m_progress->setValue(done);
    m_progress->show();
    m_cancel->show();
    show();
}

void GenerationBar::showStopped(const QString& note)
{
    m_text->setText(note);
    m_progress->hide();
    m_cancel->hide();
    show();
}

} // namespace kvlab
