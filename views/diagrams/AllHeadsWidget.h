#pragma once

#include "views/diagrams/AllHeadsDiagram.h"
#include "views/diagrams/DiagramWidget.h"

namespace kvlab {

// The all-heads grid on screen: a click on a head's cell asks for that
// layer and head in the panes.
class AllHeadsWidget : public DiagramWidget {
    Q_OBJECT

public:
    explicit AllHeadsWidget(QWidget* parent = nullptr);

    const AllHeadsDiagram& grid() const { return *m_grid; }

signals:
    void headClicked(int layer, int head);

protected:
    void mousePressEvent(QMouseEvent* event) override;

private:
    const AllHeadsDiagram* m_grid; // owned by the DiagramWidget
};

} // namespace kvlab
