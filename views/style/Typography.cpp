#include "views/style/Typography.h"

#include <algorithm>
#include <cmath>

namespace kvlab {

QFont pixelFont(double pixels, bool bold)
{
    QFont font;
    font.setPixelSize(std::max(6, static_cast<int>(std::lround(pixels))));
    font.setBold(bold);
    return font;
}

QFont numberFont(double pixels)
{
    QFont font = pixelFont(pixels);
    font.setStretch(QFont::SemiCondensed);
    return font;
}

QString subscript(int number)
{
    static const char16_t digits[] = u"₀₁₂₃₄₅₆₇₈₉";
    QString text;
    for (QChar c : QString::number(number))
        text += c.isDigit() ? QChar(digits[c.digitValue()]) : c;
    return text;
}

} // namespace kvlab
