#pragma once

#include "views/diagrams/CellState.h"

#include <QColor>
#include <QString>

namespace kvlab {

// Colours and type scale of every diagram. Light and dark for the screen,
// print for exported slides; presentation makes type larger and lines thicker.
struct Theme {
    QString name;
    QColor background;
    QColor panel;
    QColor text;
    QColor mutedText;
    QColor grid;
    QColor negative; // diverging colour map: negative ... neutral ... positive
    QColor neutral;
    QColor positive;
    QColor highlight; // selected token
    QColor good;
    QColor bad;
    QColor uncachedAccent;
    QColor cachedAccent;
    double typeScale = 1.0;
    bool presentation = false;

    QColor stateColor(CellState state) const;
    static QString stateName(CellState state);
    // Value -> colour on the diverging map; `range` is the value of full colour.
    QColor valueColor(double value, double range) const;

    static Theme light();
    static Theme dark();
    static Theme print();
    static Theme byName(const QString& name);
    Theme presenting() const; // the same colours, large type
};

} // namespace kvlab
