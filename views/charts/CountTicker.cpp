#include "views/charts/CountTicker.h"

#include "core/util/NumberFormat.h"

#include <cmath>

namespace kvlab {

double CountTicker::getTickStep(const QCPRange& range)
{
    // QCPAxisTicker's steps are 1, 2, 2.5 or 5 times a power of ten: keep them whole.
    const double step = QCPAxisTicker::getTickStep(range);
    return step < 1.0 ? 1.0 : std::floor(step);
}

int CountTicker::getSubTickCount(double tickStep)
{
    return tickStep <= 1.0 ? 0 : QCPAxisTicker::getSubTickCount(tickStep);
}

QString CountTicker::getTickLabel(double tick, const QLocale&, QChar, int)
{
    const auto count = static_cast<std::int64_t>(std::llround(tick));
    if (count >= 10'000 && count % 1000 == 0)
        return QString::fromStdString(kv::groupDigits(count / 1000)) + QLatin1Char('k');
    return QString::fromStdString(kv::groupDigits(count));
}

} // namespace kvlab
