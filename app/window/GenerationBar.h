#pragma once

#include "app/window/TaskBar.h"

namespace kvlab {

// Above the token strip while a walk-through is being generated: how many
// steps are done of how many, and Cancel (Esc). After a cancel it stays, in
// words, to say where the walk-through now ends.
class GenerationBar : public TaskBar {
    Q_OBJECT

public:
    explicit GenerationBar(QWidget* parent = nullptr);

    void showRunning(int done, int planned);
    void showStopped(const QString& note);
};

} // namespace kvlab
