#include "views/charts/AxisTitles.h"

#include <QFontMetricsF>

#include <qcustomplot.h>

namespace kvlab {

AxisTitles::AxisTitles(QCustomPlot* plot)
    : QObject(plot)
{
    connect(plot, &QCustomPlot::afterLayout, this, &AxisTitles::fit);
}

void AxisTitles::set(QCPAxis* axis, const QStringList& forms)
{
    m_forms.insert(axis, forms);
    axis->setLabel(forms.value(0));
}

QString AxisTitles::fitting(const QStringList& forms, const QFont& font, double length)
{
    const QFontMetricsF metrics(font);
    for (const QString& form : forms)
        if (metrics.horizontalAdvance(form) <= length)
            return form;
    return forms.isEmpty() ? QString() : metrics.elidedText(forms.last(), Qt::ElideRight, std::max(0.0, length));
}

double AxisTitles::room(const QCPAxis& axis)
{
    const QRect rect = axis.axisRect()->rect();
    return axis.orientation() == Qt::Horizontal ? rect.width() : rect.height();
}

void AxisTitles::fit()
{
    for (auto it = m_forms.cbegin(); it != m_forms.cend(); ++it)
        it.key()->setLabel(fitting(it.value(), it.key()->labelFont(), room(*it.key())));
}

} // namespace kvlab
