#pragma once

#include <qcustomplot.h>

namespace kvlab {

// Ticks thinned to what fits the axis's length in pixels, so that no two
// tick labels touch: a stride of 1, 2 or 5 times a power of ten, the
// smallest at which a label and a gap fit between neighbours. Steps are whole
// numbers labelled as such (0, 5, 10, ...); values take the axis's number format.
class FittedTicker : public QCPAxisTicker {
public:
    enum class Kind { Steps, Values };

    FittedTicker(const QCPAxis* axis, Kind kind);

    // The smallest 1, 2 or 5 x 10^k (at least 1 for whole steps) at which
    // ticks `spacing` pixels apart fit `span` axis units drawn over `pixels`.
    static double strideFor(double span, double pixels, double spacing, bool whole);

protected:
    double getTickStep(const QCPRange& range) override;
    int getSubTickCount(double tickStep) override;
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override;

private:
    bool horizontal() const;
    double axisPixels() const;
    double spacing(const QCPRange& range) const;

    const QCPAxis* m_axis;
    Kind m_kind;
};

} // namespace kvlab
