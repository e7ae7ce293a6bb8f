#include "app/window/ModelLoadBar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

#include <algorithm>

namespace kvlab {

namespace {

constexpr int kSteps = 1000; // the bar's resolution: a tenth of a percent

// Megabytes of 10^6 bytes, as the Model picker's sizes; one decimal below ten.
int decimalsFor(std::uint64_t bytes)
{
    return bytes < 10'000'000 ? 1 : 0;
}

QString figure(std::uint64_t bytes, int decimals)
{
    return QString::number(static_cast<double>(bytes) / 1e6, 'f', decimals);
}

} // namespace

ModelLoadBar::ModelLoadBar(QWidget* parent)
    : QWidget(parent)
    , m_text(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    setObjectName(QStringLiteral("modelLoadBar"));
    m_text->setObjectName(QStringLiteral("modelLoadText"));
    m_text->setWordWrap(true);
    m_progress->setObjectName(QStringLiteral("modelLoadProgress"));
    m_progress->setMinimumWidth(220);
    m_progress->setMaximumWidth(360);
    m_cancel->setObjectName(QStringLiteral("modelLoadCancel"));
    m_cancel->setToolTip(tr("Stop opening this model (Esc): the current model and walk-through stay"));
    m_cancel->setFocusPolicy(Qt::NoFocus); // the keys stay with playback
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &ModelLoadBar::cancelClicked);
    hide();
}

void ModelLoadBar::setLoad(const QString& name, const QString& current, std::uint64_t bytesOnDisk)
{
    const QString opening = tr("Opening %1 (%2 on disk).").arg(name, megabytes(bytesOnDisk));
    m_text->setText(current.isEmpty()
                        ? opening
                        : tr("%1 %2 stays open meanwhile; Esc or Cancel keeps it.").arg(opening, current));
    setProgress(0, 0);
}

void ModelLoadBar::setProgress(std::uint64_t bytesDone, std::uint64_t bytesTotal)
{
    if (bytesTotal == 0) {
        m_progress->setRange(0, 0); // busy until the first report
        return;
    }
    m_progress->setRange(0, kSteps);
    m_progress->setValue(static_cast<int>(std::min(bytesDone, bytesTotal) * kSteps / bytesTotal));
    const int decimals = decimalsFor(bytesTotal);
    // Every byte read, the model is still being built from them (its weights packed) before it opens.
    m_progress->setFormat(bytesDone >= bytesTotal
                              ? tr("%1 of %1 MB read; preparing…").arg(figure(bytesTotal, decimals))
                              : tr("%1 of %2 MB").arg(figure(bytesDone, decimals), figure(bytesTotal, decimals)));
}

QString ModelLoadBar::megabytes(std::uint64_t bytes)
{
    return tr("%1 MB").arg(figure(bytes, decimalsFor(bytes)));
}

} // namespace kvlab
