#include "app/window/ModelLoadBar.h"

#include <QLabel>
#include <QProgressBar>

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
    : TaskBar(QStringLiteral("modelLoad"),
              tr("Stop opening this model (Esc): the current model and walk-through stay"), parent)
{
}

void ModelLoadBar::setLoad(const QString& name, const QString& current, std::uint64_t bytesOnDisk)
{
    const QString opening = tr("Opening %1 (%2 on disk).").arg(name, megabytes(bytesOnDisk));
    text()->setText(current.isEmpty()
                        ? opening
                        : tr("%1 %2 stays open meanwhile; Esc or Cancel keeps it.").arg(opening, current));
    setProgress(0, 0);
}

void ModelLoadBar::setProgress(std::uint64_t bytesDone, std::uint64_t bytesTotal)
{
    if (bytesTotal == 0) {
        progress()->setRange(0, 0); // busy until the first report
        return;
    }
    progress()->setRange(0, kSteps);
    progress()->setValue(static_cast<int>(std::min(bytesDone, bytesTotal) * kSteps / bytesTotal));
    const int decimals = decimalsFor(bytesTotal);
    // Every byte read, the model is still being built from them (its weights packed) before it opens.
    progress()->setFormat(bytesDone >= bytesTotal
                              ? tr("%1 of %1 MB read; preparing…").arg(figure(bytesTotal, decimals))
                              : tr("%1 of %2 MB").arg(figure(bytesDone, decimals), figure(bytesTotal, decimals)));
}

QString ModelLoadBar::megabytes(std::uint64_t bytes)
{
    return tr("%1 MB").arg(figure(bytes, decimalsFor(bytes)));
}

} // namespace kvlab
