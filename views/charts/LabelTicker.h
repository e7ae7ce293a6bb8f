#pragma once

#include <qcustomplot.h>

namespace kvlab {

// Text labels at whole numbers (tokens under bars), like QCPAxisTickerText,
// but only every 1st, 2nd, 5th, 10th, ... drawn, as many as the axis has room
// for: apart by a label's width, or by its height across them when the axis
// rotates them. ticks() keeps every label.
class LabelTicker : public QCPAxisTickerText {
public:
    explicit LabelTicker(const QCPAxis* axis);

protected:
    int getSubTickCount(double tickStep) override;
    QVector<double> createTickVector(double tickStep, const QCPRange& range) override;

private:
    double stride(const QCPRange& range) const;

    const QCPAxis* m_axis;
};

} // namespace kvlab
