#pragma once

#include "app/window/TaskBar.h"

#include <cstdint>

namespace kvlab {

// Above the token strip while a model is being opened: its name, how many
// megabytes of its weights are loaded of how many, and Cancel (Esc). The
// walk-through shown meanwhile is the current model's, and stays on Cancel.
class ModelLoadBar : public TaskBar {
    Q_OBJECT

public:
    explicit ModelLoadBar(QWidget* parent = nullptr);

    // `current`: the model that stays open meanwhile (empty: none yet).
    // `bytesTotal` 0: the loader has not reported yet; the bar is busy, and
    // `bytesOnDisk` says how large the checkpoint is.
    void setLoad(const QString& name, const QString& current, std::uint64_t bytesOnDisk);
    void setProgress(std::uint64_t bytesDone, std::uint64_t bytesTotal);

    // "1.5 MB", "2200 MB": megabytes of 10^6 bytes (as the Model picker's sizes), one decimal below ten.
    // The bar reads "1100 of 2200 MB" the same way.
    static QString megabytes(std::uint64_t bytes);
};

} // namespace kvlab
