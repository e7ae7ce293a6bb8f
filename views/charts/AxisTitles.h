#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>

class QCustomPlot;
class QCPAxis;
class QFont;

namespace kvlab {

// Axis titles that never run past their axis. QCustomPlot centres a title on
// its axis and lets the widget's edge cut whatever is longer; here, once a
// replot has laid the axes out (afterLayout) and before it draws, each axis
// given to set() shows the longest of its forms that fits its length, else the
// shortest one elided.
class AxisTitles : public QObject {
public:
    explicit AxisTitles(QCustomPlot* plot);

    // `forms`: the title, then shorter ways to say it, longest first.
    void set(QCPAxis* axis, const QStringList& forms);

    // The longest of `forms` at most `length` wide in `font`, else the last elided to it.
    static QString fitting(const QStringList& forms, const QFont& font, double length);
    // How long a title on `axis` may be: its axis rectangle's width, or height for a vertical axis.
    static double room(const QCPAxis& axis);

private:
    void fit();

    QHash<QCPAxis*, QStringList> m_forms; // the axes belong to the plot, which owns this
};

} // namespace kvlab
