#include "views/memory/MemoryChart.h"

#include "views/charts/ChartStyle.h"
#include "views/charts/CountTicker.h"

#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace kvlab {

namespace {

struct Unit {
    double bytes;
    const char* name;
};

// The largest decimal unit the largest value reaches (at least B).
Unit unitFor(double largest)
{
    for (Unit unit : {Unit{1e12, "TB"}, Unit{1e9, "GB"}, Unit{1e6, "MB"}, Unit{1e3, "kB"}})
        if (largest >= unit.bytes)
            return unit;
    return {1.0, "B"};
}

QVector<double> scaled(const QVector<double>& bytes, double unit)
{
    QVector<double> values;
    values.reserve(bytes.size());
    for (double b : bytes)
        values << b / unit;
    return values;
}

// x as a fraction of the axis rect; y in plot coordinates, or as a fraction too.
void place(QCPItemPosition* position, QCPAxisRect* rect, double xRatio, double y, bool yIsRatio)
{
    position->setAxisRect(rect);
    position->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    position->setTypeY(yIsRatio ? QCPItemPosition::ptAxisRectRatio : QCPItemPosition::ptPlotCoords);
    position->setCoords(xRatio, y);
}

} // namespace

MemoryChart::MemoryChart(const QString& title, const QString& xLabel, QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
    , m_title(new QCPTextElement(m_plot, title))
    , m_budget(new QCPItemStraightLine(m_plot))
    , m_budgetLabel(new QCPItemText(m_plot))
    , m_marker(new QCPItemStraightLine(m_plot))
    , m_markerLabel(new QCPItemText(m_plot))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    // Title above, legend below the axes, where no curve or label runs under it.
    QCPLayoutGrid* grid = m_plot->plotLayout();
    grid->insertRow(0);
    grid->addElement(0, 0, m_title);
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    grid->addElement(2, 0, m_plot->legend);
    grid->setRowStretchFactor(2, 0.001);
    m_plot->legend->setVisible(true);
    m_plot->xAxis->setLabel(xLabel);
    m_plot->xAxis->setTicker(QSharedPointer<CountTicker>::create());
    m_budgetLabel->setClipToAxisRect(true);
    m_budgetLabel->setTextAlignment(Qt::AlignLeft);
    // Clear of its own dashed line, above or below it.
    m_budgetLabel->setPadding(QMargins(2, 5, 2, 5));
    m_markerLabel->setPadding(QMargins(4, 2, 4, 0));
    // Where the label goes depends on where the line and curves land in pixels:
    // chosen on every layout, before the items are drawn.
    connect(m_plot, &QCustomPlot::afterLayout, this, &MemoryChart::placeMarkerLabel);
    setTheme(m_theme);
}

void MemoryChart::show(const std::vector<MemorySeries>& curves, double markerX, const QString& markerLabel,
                       std::optional<double> budgetBytes, const QString& budgetLabel)
{
    // One graph per curve, kept while their number stays the same.
    while (m_curves.size() > curves.size()) {
        m_plot->removeGraph(m_curves.back());
        m_curves.pop_back();
    }
    while (m_curves.size() < curves.size())
        m_curves.push_back(m_plot->addGraph());
    styleCurves();

    const bool line = budgetBytes && *budgetBytes >= 0;
    double largest = line ? *budgetBytes : 0.0;
    double lastX = 1.0;
    for (const MemorySeries& curve : curves) {
        if (!curve.bytes.isEmpty())
            largest = std::max(largest, *std::max_element(curve.bytes.begin(), curve.bytes.end()));
        if (!curve.x.isEmpty())
            lastX = std::max(lastX, curve.x.back());
    }
    const Unit unit = unitFor(largest);
    m_unit = unit.bytes;
    for (std::size_t i = 0; i < curves.size(); ++i) {
        m_curves[i]->setName(curves[i].name);
        m_curves[i]->setData(curves[i].x, scaled(curves[i].bytes, m_unit), true);
    }
    const double top = std::max(largest / m_unit, 1e-9);
    m_plot->yAxis->setLabel(tr("KV cache (%1)").arg(QString::fromLatin1(unit.name)));
    m_plot->yAxis->setRange(-0.03 * top, 1.12 * top);
    m_plot->xAxis->setRange(0, lastX * 1.02);

    // The budget: a line the curves cross where the cache stops fitting, or
    // a message when the weights alone overflow the card.
    m_budget->setVisible(line);
    m_budgetLabel->setVisible(budgetBytes.has_value());
    m_budgetLabel->setText(budgetLabel);
    if (line) {
        const double y = *budgetBytes / m_unit;
        m_budget->point1->setCoords(0, y);
        m_budget->point2->setCoords(1, y);
        // Above the line, or under it near the top; on the left, where rising curves are still low.
        place(m_budgetLabel->position, m_plot->axisRect(), 0.02, y, false);
        m_budgetLabel->setPositionAlignment(Qt::AlignLeft | (y > 0.65 * top ? Qt::AlignTop : Qt::AlignBottom));
    } else {
        place(m_budgetLabel->position, m_plot->axisRect(), 0.02, 0.12, true);
        m_budgetLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    }

    m_marker->point1->setCoords(markerX, 0);
    m_marker->point2->setCoords(markerX, 1);
    m_markerLabel->position->setAxisRect(m_plot->axisRect());
    m_markerLabel->position->setAxes(m_plot->xAxis, m_plot->yAxis);
    m_markerLabel->position->setTypeX(QCPItemPosition::ptPlotCoords);
    m_markerLabel->position->setTypeY(QCPItemPosition::ptAbsolute);
    m_markerLabel->position->setCoords(markerX, 0.0);
    m_markerOnRight = markerX > lastX * 0.6;
    m_markerLabel->setText(markerLabel);
    m_plot->replot();
}

void MemoryChart::setTitle(const QString& title)
{
    m_title->setText(title);
}

void MemoryChart::setTheme(const Theme& theme)
{
    m_theme = theme;
    styleChart(*m_plot, theme);
    m_plot->legend->setBorderPen(Qt::NoPen);
    QFont titleFont;
    titleFont.setPixelSize(static_cast<int>(std::lround(16 * theme.typeScale)));
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextColor(theme.text);
    QFont labelFont;
    labelFont.setPixelSize(static_cast<int>(std::lround(13 * theme.typeScale)));
    labelFont.setBold(true);
    m_budget->setPen(QPen(theme.bad, 2.5, Qt::DashLine));
    m_budgetLabel->setFont(labelFont);
    m_budgetLabel->setColor(theme.bad);
    m_marker->setPen(QPen(theme.mutedText, 1.5, Qt::DotLine));
    m_markerLabel->setFont(labelFont);
    m_markerLabel->setColor(theme.mutedText);
    styleCurves();
    m_plot->replot();
}

bool MemoryChart::budgetShown() const
{
    return m_budget->visible();
}

double MemoryChart::budgetValue() const
{
    return m_budget->point1->coords().y();
}

QString MemoryChart::budgetText() const
{
    return m_budgetLabel->visible() ? m_budgetLabel->text() : QString();
}

// The marker's label goes at the top of the plot if nothing runs through it
// there; else just under the GPU line or just over it, else a quarter, half
// or three quarters down, else at the bottom; beside the marker on the side
// with more room first. The first place clear of the lines, the curves and
// the GPU label wins; failing that, the first clear of the GPU line and label.
void MemoryChart::placeMarkerLabel()
{
    const QRect area = m_plot->axisRect()->rect();
    const double line = m_plot->yAxis->coordToPixel(budgetValue());
    const double gap = m_budget->pen().widthF() / 2 + 3;
    struct Place {
        double y;
        Qt::Alignment vertical;
    };
    std::vector<Place> places{{double(area.top()), Qt::AlignTop}};
    if (m_budget->visible())
        places.insert(places.end(), {{line + gap, Qt::AlignTop}, {line - gap, Qt::AlignBottom}});
    for (double fraction : {0.25, 0.5, 0.75})
        places.push_back({area.top() + fraction * area.height(), Qt::AlignVCenter});
    places.push_back({double(area.bottom()), Qt::AlignBottom});
    const Qt::Alignment sides[] = {m_markerOnRight ? Qt::AlignRight : Qt::AlignLeft,
                                   m_markerOnRight ? Qt::AlignLeft : Qt::AlignRight};
    const double x = m_markerLabel->position->coords().x();
    for (bool ofCurves : {true, false}) {
        for (Qt::Alignment side : sides) {
            for (const Place& place : places) {
                m_markerLabel->position->setCoords(x, place.y);
                m_markerLabel->setPositionAlignment(side | place.vertical);
                if (markerLabelIsClear(ofCurves))
                    return;
            }
        }
    }
    m_markerLabel->position->setCoords(x, area.top());
    m_markerLabel->setPositionAlignment(sides[0] | Qt::AlignTop);
}

namespace {

// Does the polyline through `points` (pixels) pass through `box`? Each
// segment is walked in steps of at most 2 px.
bool pathEnters(const std::vector<QPointF>& points, const QRectF& box)
{
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
        const QLineF segment(points[i], points[i + 1]);
        const int steps = std::max(1, static_cast<int>(std::ceil(segment.length() / 2)));
        for (int k = 0; k <= steps; ++k)
            if (box.contains(segment.pointAt(double(k) / steps)))
                return true;
    }
    return false;
}

} // namespace

bool MemoryChart::markerLabelIsClear(bool ofCurves) const
{
    const QRectF box = markerLabelRect();
    if (!QRectF(m_plot->axisRect()->rect()).contains(box))
        return false;
    if (m_budget->visible()) {
        const QLineF line = budgetLinePixels();
        const double half = m_budget->pen().widthF() / 2;
        if (line.y1() + half >= box.top() && line.y1() - half <= box.bottom())
            return false;
    }
    if (m_budgetLabel->visible() && budgetLabelRect().intersects(box))
        return false;
    if (!ofCurves)
        return true;
    for (const QCPGraph* curve : m_curves) {
        std::vector<QPointF> points;
        for (auto it = curve->data()->constBegin(); it != curve->data()->constEnd(); ++it)
            points.emplace_back(m_plot->xAxis->coordToPixel(it->key), m_plot->yAxis->coordToPixel(it->value));
        if (pathEnters(points, box.adjusted(-curve->pen().widthF() / 2, -curve->pen().widthF() / 2,
                                            curve->pen().widthF() / 2, curve->pen().widthF() / 2)))
            return false;
    }
    return true;
}

QString MemoryChart::markerText() const
{
    return m_markerLabel->text();
}

namespace {

QRectF itemTextRect(const QCPItemText* text)
{
    return QRectF(text->topLeft->pixelPosition(), text->bottomRight->pixelPosition()).normalized();
}

} // namespace

QRectF MemoryChart::markerLabelRect() const
{
    return itemTextRect(m_markerLabel);
}

QRectF MemoryChart::budgetLabelRect() const
{
    return itemTextRect(m_budgetLabel);
}

QLineF MemoryChart::budgetLinePixels() const
{
    const QRect area = m_plot->axisRect()->rect();
    const double y = m_plot->yAxis->coordToPixel(budgetValue());
    return QLineF(area.left(), y, area.right(), y);
}

void MemoryChart::styleCurves()
{
    // The first curve is the chosen model: solid and thick, drawn first so the
    // dashed variants stay visible where they coincide with it.
    static const Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DashDotLine};
    for (std::size_t i = 0; i < m_curves.size(); ++i) {
        const double width = (i == 0 ? 4.5 : 2.5) * std::max(1.0, m_theme.typeScale * 0.8);
        m_curves[i]->setPen(QPen(phaseColor(static_cast<int>(i)), width, styles[i % 3]));
    }
}

} // namespace kvlab
