#include "views/style/Theme.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace kvlab {

namespace {

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

} // namespace

QColor Theme::stateColor(CellState state) const
{
    const bool darkTheme = background.lightness() < 128;
    // Hues after Okabe-Ito, tuned so that every pair of states stays at least
    // 20 CIELAB units apart under simulated protanopia, deuteranopia and
    // tritanopia (tests/tst_theme.cpp checks it): new green, cache blue,
    // recomputed orange, wasted grey, masked light grey, stale a dark brick
    // red (light) or violet (dark), far from "recomputed".
    switch (state) {
    case CellState::New:
        return darkTheme ? QColor(0x1a, 0xf6, 0xcd) : QColor(0x00, 0xb4, 0x6a);
    case CellState::FromCache:
        return darkTheme ? QColor(0x56, 0xb4, 0xe9) : QColor(0x00, 0x72, 0xb2);
    case CellState::Recomputed:
        return darkTheme ? QColor(0xf0, 0xb4, 0x2a) : QColor(0xe6, 0x9f, 0x00);
    case CellState::Wasted:
        return QColor(0x8a, 0x8a, 0x8a);
    case CellState::Masked:
        return darkTheme ? QColor(0x3a, 0x3d, 0x44) : QColor(0xdf, 0xdf, 0xdf);
    case CellState::Stale:
        return darkTheme ? QColor(0x99, 0x18, 0xd8) : QColor(0x9b, 0x31, 0x24);
    case CellState::Pending:
        return grid;
    }
    return grid;
}

QString Theme::stateName(CellState state)
{
    switch (state) {
    case CellState::New:
        return QCoreApplication::translate("Theme", "new (computed this step)");
    case CellState::FromCache:
        return QCoreApplication::translate("Theme", "read from cache");
    case CellState::Recomputed:
        return QCoreApplication::translate("Theme", "recomputed (same as last step)");
    case CellState::Wasted:
        return QCoreApplication::translate("Theme", "wasted (computed, thrown away)");
    case CellState::Masked:
        return QCoreApplication::translate("Theme", "masked (future token)");
    case CellState::Stale:
        return QCoreApplication::translate("Theme", "stale (earlier prompt)");
    case CellState::Pending:
        return QCoreApplication::translate("Theme", "not computed yet");
    }
    return {};
}

QColor Theme::valueColor(double value, double range) const
{
    if (!std::isfinite(value) || range <= 0.0)
        return neutral;
    const double t = std::clamp(std::abs(value) / range, 0.0, 1.0);
    return mix(neutral, value < 0 ? negative : positive, t);
}

Theme Theme::light()
{
    Theme theme;
    theme.name = QStringLiteral("light");
    theme.background = QColor(0xf6, 0xf6, 0xf3);
    theme.panel = Qt::white;
    theme.text = QColor(0x1d, 0x1d, 0x1f);
    theme.mutedText = QColor(0x5f, 0x63, 0x68);
    theme.grid = QColor(0xc8, 0xc8, 0xc8);
    theme.negative = QColor(0xc9, 0x6b, 0xb4); // magenta
    theme.neutral = Qt::white;
    theme.positive = QColor(0x3f, 0xa8, 0xa4); // teal
    theme.highlight = QColor(0xff, 0xd5, 0x4f);
    theme.good = QColor(0x1a, 0x8e, 0x35);
    theme.bad = QColor(0xc6, 0x28, 0x28);
    theme.uncachedAccent = QColor(0xb3, 0x5c, 0x00);
    theme.cachedAccent = QColor(0x1a, 0x4f, 0xa8);
    return theme;
}

Theme Theme::dark()
{
    Theme theme = light();
    theme.name = QStringLiteral("dark");
    theme.background = QColor(0x17, 0x18, 0x1b);
    theme.panel = QColor(0x22, 0x24, 0x28);
    theme.text = QColor(0xf1, 0xf1, 0xf1);
    theme.mutedText = QColor(0xb4, 0xb8, 0xbf);
    theme.grid = QColor(0x4a, 0x4d, 0x55);
    theme.negative = QColor(0xb0, 0x3f, 0x9a);
    theme.neutral = QColor(0x2c, 0x2e, 0x33);
    theme.positive = QColor(0x1f, 0x8f, 0x8a);
    theme.highlight = QColor(0xff, 0xc1, 0x07);
    theme.good = QColor(0x5c, 0xdb, 0x77);
    theme.bad = QColor(0xff, 0x6b, 0x6b);
    theme.uncachedAccent = QColor(0xff, 0xa9, 0x3a);
    theme.cachedAccent = QColor(0x7a, 0xb4, 0xff);
    return theme;
}

// For slides and handouts: white paper, black text, and hues from the
// Okabe-Ito / ColorBrewer sets that stay apart under red-green colour
// blindness (values run purple -> white -> teal, ColorBrewer's PRGn ends:
// purple is far in hue from the orange "recomputed" border and the brick
// "stale" one; the two sides are vermilion and blue).
Theme Theme::print()
{
    Theme theme = light();
    theme.name = QStringLiteral("print");
    theme.background = Qt::white;
    theme.panel = Qt::white;
    theme.text = Qt::black;
    theme.mutedText = QColor(0x3c, 0x3c, 0x3c);
    theme.grid = QColor(0xb4, 0xb4, 0xb4);
    theme.negative = QColor(0x76, 0x2a, 0x83); // purple
    theme.positive = QColor(0x01, 0x85, 0x71); // teal
    theme.highlight = QColor(0xf0, 0xe4, 0x42); // yellow
    theme.good = QColor(0x00, 0x7a, 0x5a);      // bluish green: ✓/✗ carry the meaning, colour repeats it
    theme.bad = QColor(0xc0, 0x3a, 0x00);       // vermilion
    theme.uncachedAccent = QColor(0xc0, 0x3a, 0x00);
    theme.cachedAccent = QColor(0x00, 0x5a, 0xb5);
    return theme;
}

Theme Theme::byName(const QString& name)
{
    if (name == QLatin1String("dark"))
        return dark();
    if (name == QLatin1String("print"))
        return print();
    return light();
}

Theme Theme::presenting() const
{
    Theme theme = *this;
    theme.presentation = true;
    theme.typeScale = 1.45;
    theme.mutedText = text; // full contrast from the back row
    return theme;
}

} // namespace kvlab
