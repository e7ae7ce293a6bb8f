#pragma once

#include <qcustomplot.h>

namespace kvlab {

// Axis ticks for counts (tokens, sequences): whole numbers only, read the
// way people say them: "2,048", "32k", "128k".
class CountTicker : public QCPAxisTicker {
protected:
    double getTickStep(const QCPRange& range) override;
    int getSubTickCount(double tickStep) override;
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override;
};

} // namespace kvlab
