#include "app/window/GenerationBar.h"

#include <QLabel>
#include <QProgressBar>

namespace kvlab {

GenerationBar::GenerationBar(QWidget* parent)
    : TaskBar(QStringLiteral("generation"),
              tr("Stop generating (Esc): the walk-through keeps the steps generated so far"), parent)
{
    progress()->setFormat(tr("%v of %m steps"));
}

void GenerationBar::showRunning(int done, int planned)
{
    text()->setText(done == 0 ? tr("Generating with the cache: the prefill is running…")
                              : tr("Generating with the cache: step %1 of at most %2 done. The steps so far can be "
                                   "explored while the rest run; Esc or Cancel stops here.")
                                    .arg(done - 1)
                                    .arg(planned - 1));
    progress()->setRange(0, planned);
    progress()->setValue(done);
    progress()->show();
    cancelButton()->show();
    show();
}

void GenerationBar::showStopped(const QString& note)
{
    text()->setText(note);
    progress()->hide();
    cancelButton()->hide();
    show();
}

} // namespace kvlab
