#pragma once

#include <QString>
#include <QVector>

namespace kvlab {

// One curve of a memory chart: x (tokens or sequences) against the cache's bytes.
struct MemorySeries {
    QString name;
    QVector<double> x;
    QVector<double> bytes;
};

} // namespace kvlab
