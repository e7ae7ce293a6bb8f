#include "views/diagrams/MatrixPainter.h"
#include "views/style/Theme.h"

#include <QImage>
#include <QtTest>

#include <array>
#include <cmath>

using namespace kvlab;

namespace {

using Matrix3 = std::array<std::array<double, 3>, 3>;

// Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
const Matrix3 kProtanopia{{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}};
const Matrix3 kDeuteranopia{{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}};
const Matrix3 kTritanopia{{{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}}};
const Matrix3 kTypical{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};

double linear(double channel)
{
    return channel <= 0.04045 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

struct Lab {
    double l, a, b;
};

// sRGB colour -> simulated vision -> CIELAB (D65).
Lab seen(const QColor& colour, const Matrix3& vision)
{
    const std::array<double, 3> rgb{linear(colour.redF()), linear(colour.greenF()), linear(colour.blueF())};
    std::array<double, 3> sim{};
    for (int i = 0; i < 3; ++i)
        sim[i] = std::clamp(vision[i][0] * rgb[0] + vision[i][1] * rgb[1] + vision[i][2] * rgb[2], 0.0, 1.0);
    const double x = (0.4124 * sim[0] + 0.3576 * sim[1] + 0.1805 * sim[2]) / 0.95047;
    const double y = 0.2126 * sim[0] + 0.7152 * sim[1] + 0.0722 * sim[2];
    const double z = (0.0193 * sim[0] + 0.1192 * sim[1] + 0.9505 * sim[2]) / 1.08883;
    const auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0; };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

// The smallest CIELAB distance between two colours over typical vision and the three dichromacies.
double worstDistance(const QColor& a, const QColor& b)
{
    double worst = 1e9;
    for (const Matrix3* vision : {&kTypical, &kProtanopia, &kDeuteranopia, &kTritanopia}) {
        const Lab p = seen(a, *vision);
        const Lab q = seen(b, *vision);
        worst = std::min(worst, std::hypot(p.l - q.l, p.a - q.a, p.b - q.b));
    }
    return worst;
}

double luminance(const QColor& c)
{
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}

// WCAG contrast ratio.
double contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

const std::vector<CellState> kDrawnStates{CellState::New,    CellState::FromCache, CellState::Recomputed,
                                          CellState::Wasted, CellState::Masked,    CellState::Stale};

constexpr double kMinimumDistance = 20.0;

} // namespace

class TestTheme : public QObject {
    Q_OBJECT

private slots:
    void themes_data()
    {
        QTest::addColumn<QString>("theme");
        QTest::newRow("light") << QStringLiteral("light");
        QTest::newRow("dark") << QStringLiteral("dark");
        QTest::newRow("print") << QStringLiteral("print");
    }

    // Item 9: every state colour, "stale" included, stays apart from every
    // other under simulated protanopia, deuteranopia and tritanopia.
    void stateColoursStayApartForColourBlindViewers_data() { themes_data(); }
    void stateColoursStayApartForColourBlindViewers()
    {
        QFETCH(QString, theme);
        const Theme colours = Theme::byName(theme);
        for (std::size_t i = 0; i < kDrawnStates.size(); ++i) {
            for (std::size_t j = i + 1; j < kDrawnStates.size(); ++j) {
                const QColor a = colours.stateColor(kDrawnStates[i]);
                const QColor b = colours.stateColor(kDrawnStates[j]);
                const double distance = worstDistance(a, b);
                QVERIFY2(distance >= kMinimumDistance,
                         qPrintable(QStringLiteral("%1 vs %2: ΔE %3")
                                        .arg(Theme::stateName(kDrawnStates[i]), Theme::stateName(kDrawnStates[j]))
                                        .arg(distance, 0, 'f', 1)));
            }
        }
    }

    // Item 12: in print, negative values are far in hue from the "recomputed" border.
    void printNegativesAreNotTheRecomputedHue()
    {
        const Theme print = Theme::print();
        const QColor negative = print.negative;
        for (CellState state : {CellState::Recomputed, CellState::Stale}) {
            const QColor border = print.stateColor(state);
            int hueGap = std::abs(negative.hslHue() - border.hslHue());
            hueGap = std::min(hueGap, 360 - hueGap);
            QVERIFY2(hueGap >= 60, qPrintable(QStringLiteral("%1: hue gap %2°").arg(Theme::stateName(state)).arg(hueGap)));
            QVERIFY(worstDistance(negative, border) >= kMinimumDistance);
        }
        QVERIFY(worstDistance(negative, print.positive) >= kMinimumDistance);
    }

    // Item 13: the selected token's row is outlined with enough contrast to
    // be seen from the back row (WCAG's 3:1 for graphics) in every theme.
    void highlightIsVisibleFromTheBackRow_data() { themes_data(); }
    void highlightIsVisibleFromTheBackRow()
    {
        QFETCH(QString, theme);
        const Theme colours = Theme::byName(theme);
        MatrixSpec spec;
        spec.values = kv::Matrix::Zero(3, 4);
        spec.states.assign(12, CellState::New);
        spec.highlightRow = 1;
        MatrixPlacement place;
        place.origin = QPointF(60, 60);
        place.cellW = 24;
        place.cellH = 24;
        QImage image(240, 200, QImage::Format_RGB32);
        image.fill(colours.panel);
        QPainter painter(&image);
        paintMatrix(painter, spec, place, colours, 12);
        painter.end();
        // Left of the grid, level with the highlighted row: the band's edge or outline.
        const QRectF row = place.cellRect(1, 0);
        double best = 1.0;
        for (int x = int(row.left()) - 8; x < int(row.left()); ++x)
            best = std::max(best, contrast(image.pixelColor(x, int(row.center().y())), colours.panel));
        QVERIFY2(best >= 3.0, qPrintable(QStringLiteral("contrast %1").arg(best, 0, 'f', 2)));
    }
};

QTEST_MAIN(TestTheme)
#include "tst_theme.moc"
