#include "views/charts/ChartStyle.h"

#include <qcustomplot.h>

namespace kvlab {

void styleAxisRect(QCPAxisRect& rect, const Theme& theme)
{
    QFont font;
    font.setPixelSize(static_cast<int>(13 * theme.typeScale));
    QFont labelFont = font;
    labelFont.setBold(true);
    rect.setBackground(QBrush(theme.panel));
    for (QCPAxis* axis : rect.axes()) {
        axis->setBasePen(QPen(theme.mutedText));
        axis->setTickPen(QPen(theme.mutedText));
        axis->setSubTickPen(QPen(theme.mutedText));
        axis->setTickLabelColor(theme.text);
        axis->setLabelColor(theme.text);
        axis->setTickLabelFont(font);
        axis->setLabelFont(labelFont);
        axis->grid()->setPen(QPen(theme.grid, 1, Qt::DotLine));
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
}

void styleChart(QCustomPlot& plot, const Theme& theme)
{
    plot.setBackground(QBrush(theme.panel));
    for (QCPAxisRect* rect : plot.axisRects())
        styleAxisRect(*rect, theme);
    QFont font;
    font.setPixelSize(static_cast<int>(12 * theme.typeScale));
    plot.legend->setFont(font);
    plot.legend->setTextColor(theme.text);
    plot.legend->setBrush(QBrush(theme.panel));
    plot.legend->setBorderPen(QPen(theme.grid));
}

void useLogScale(QCPAxis& axis)
{
    axis.setScaleType(QCPAxis::stLogarithmic);
    axis.setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
}

QColor phaseColor(int phase)
{
    // Okabe-Ito: distinguishable with the common colour-vision deficiencies.
    static const QColor colours[] = {QColor(0x00, 0x72, 0xb2), QColor(0xe6, 0x9f, 0x00), QColor(0xcc, 0x79, 0xa7),
                                     QColor(0x00, 0x9e, 0x73), QColor(0x56, 0xb4, 0xe9)};
    return colours[phase % 5];
}

} // namespace kvlab
