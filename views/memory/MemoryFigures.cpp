#include "views/memory/MemoryFigures.h"

#include "views/diagrams/ByteText.h"
#include "views/memory/GpuSplitBar.h"
#include "core/util/NumberFormat.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <cmath>

namespace kvlab {

namespace {

QString percentOf(std::int64_t part, std::int64_t whole)
{
    return QString::number(100.0 * double(part) / double(whole), 'f', 1) + QLatin1Char('%');
}

void setColour(QLabel* label, const QColor& colour)
{
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, colour);
    label->setPalette(palette);
}

void setPixelSize(QWidget* widget, double pixels, bool bold)
{
    QFont font = widget->font();
    font.setPixelSize(static_cast<int>(std::lround(pixels)));
    font.setBold(bold);
    widget->setFont(font);
}

QLabel* wrapping(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

// "2 x 2 B x 80 layers ... = 1,342,177,280 B" as it is written on a board:
// lines break between factors, never inside one ("128 head_dim").
QString boardFormula(const std::string& formula)
{
    QString text = QString::fromStdString(formula);
    const qsizetype equals = text.lastIndexOf(QStringLiteral(" = "));
    QStringList factors = text.left(equals).split(QStringLiteral(" x "));
    for (QString& factor : factors)
        factor.replace(QLatin1Char(' '), QChar(0x00a0));
    return QStringLiteral("KV cache = ") + factors.join(QStringLiteral(" × ")) + QLatin1Char('\n')
        + QStringLiteral("= ") + text.mid(equals + 3);
}

QString sequences(std::int64_t batch)
{
    return batch == 1 ? QObject::tr("1 sequence") : QObject::tr("%1 sequences").arg(QString::fromStdString(kv::groupDigits(batch)));
}

} // namespace

MemoryFigures::MemoryFigures(QWidget* parent)
    : QWidget(parent)
    , m_formula(wrapping(this))
    , m_error(wrapping(this))
    , m_rows(new QGridLayout)
    , m_bar(new GpuSplitBar(this))
    , m_notes(wrapping(this))
    , m_source(wrapping(this))
{
    m_formula->setObjectName(QStringLiteral("formula"));
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setVisible(false);
    m_rows->setColumnStretch(1, 1);
    m_rows->setHorizontalSpacing(12);
    addRow(m_perTokenCaption, m_perToken);
    addRow(m_totalCaption, m_total);
    m_rows->addWidget(m_bar, m_rows->rowCount(), 0, 1, 2);
    addRow(m_weightsCaption, m_weights);
    addRow(m_cacheCaption, m_cache);
    addRow(m_leftCaption, m_left);
    addRow(m_fitCaption, m_fit);
    m_perTokenCaption->setText(tr("Per token:"));
    m_totalCaption->setText(tr("Total:"));
    m_weightsCaption->setText(tr("Weights:"));
    m_cacheCaption->setText(tr("KV cache:"));
    m_leftCaption->setText(tr("Left:"));
    m_fitCaption->setText(tr("Tokens that fit:"));
    m_left->setObjectName(QStringLiteral("left"));
    m_fit->setObjectName(QStringLiteral("tokensThatFit"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_error);
    layout->addWidget(m_formula);
    layout->addLayout(m_rows);
    layout->addWidget(m_notes);
    layout->addWidget(m_source);
    layout->addStretch(1);
    setGpuRowsVisible(false);
    setTheme(m_theme);
}

void MemoryFigures::addRow(QLabel*& caption, QLabel*& value)
{
    caption = new QLabel(this);
    value = wrapping(this);
    const int row = m_rows->rowCount();
    m_rows->addWidget(caption, row, 0, Qt::AlignLeft | Qt::AlignTop);
    m_rows->addWidget(value, row, 1);
}

void MemoryFigures::show(const MemoryReport& report, const QStringList& extraNotes)
{
    const kv::MemoryCalculator& calculator = report.calculator;
    const kv::MemorySettings& settings = calculator.settings();
    m_stale = false;
    m_error->clear();
    m_error->setVisible(false);
    m_formula->setText(boardFormula(calculator.formula()));
    m_perToken->setText(tr("%1, summed over %2 layers")
                            .arg(bytesText(calculator.bytesPerToken()))
                            .arg(calculator.model().layers));
    m_total->setText(tr("%1 for %2 × %3 tokens")
                         .arg(bytesText(calculator.totalBytes()), sequences(settings.batch),
                              QString::fromStdString(kv::groupDigits(calculator.cachedTokens()))));

    m_leftBad = false;
    setGpuRowsVisible(report.split.has_value());
    m_bar->setSplit(report.split);
    if (report.split && report.gpu) {
        const kv::MemoryCalculator::GpuSplit& split = *report.split;
        const QString gpu = gpuLabel(report.gpu->name);
        const auto share = [&](std::int64_t bytes) {
            return tr("%1 = %2, %3").arg(exactBytes(bytes), decimalBytes(bytes), percentOf(bytes, split.gpuBytes));
        };
        // The weights are counted in the cache's dtype.
        m_weightsCaption->setText(tr("Weights (%1):").arg(QString::fromStdString(kv::dataTypeName(settings.dataType))));
        m_weights->setText(tr("%1 of the %2").arg(share(split.weightsBytes), gpu));
        m_cache->setText(share(split.cacheBytes));
        m_leftBad = !split.fits();
        m_left->setText(split.fits() ? tr("%1, for activations and the runtime").arg(share(split.leftBytes))
                                     : tr("%1: does not fit, %2 short")
                                           .arg(exactBytes(split.leftBytes), decimalBytes(-split.leftBytes)));
        const std::int64_t fit = report.tokensThatFit.value_or(0);
        m_fit->setText(fit == 0 ? tr("none: the weights alone overflow the %1").arg(gpu)
                                : tr("%1 per sequence at batch %2")
                                      .arg(QString::fromStdString(kv::groupDigits(fit)))
                                      .arg(settings.batch));
    }

    m_noteList.clear();
    for (const std::string& note : calculator.notes())
        m_noteList << QString::fromStdString(note);
    m_noteList << extraNotes;
    QString notes;
    for (const QString& note : m_noteList)
        notes += QStringLiteral("<p style='margin:0 0 4px 0'>• %1</p>").arg(note.toHtmlEscaped());
    m_notes->setText(notes);
    m_notes->setVisible(!m_noteList.isEmpty());
    m_source->setText(tr("Shape: %1").arg(QString::fromStdString(calculator.model().source)));
    m_source->setVisible(!calculator.model().source.empty());
    recolour();
}

void MemoryFigures::showError(const QString& message)
{
    m_stale = true;
    m_error->setText(tr("✗ %1\nThe figures below are still those of the last valid input.").arg(message));
    m_error->setVisible(true);
    recolour();
}

void MemoryFigures::setTheme(const Theme& theme)
{
    m_theme = theme;
    const double scale = theme.typeScale;
    setPixelSize(m_formula, 24 * scale, true);
    setPixelSize(m_error, 17 * scale, true);
    for (QLabel* label : {m_perTokenCaption, m_totalCaption, m_weightsCaption, m_cacheCaption, m_leftCaption, m_fitCaption})
        setPixelSize(label, 17 * scale, true);
    for (QLabel* label : {m_perToken, m_total, m_weights, m_cache, m_left, m_fit})
        setPixelSize(label, 17 * scale, false);
    setPixelSize(m_notes, 15 * scale, false);
    setPixelSize(m_source, 13 * scale, false);
    m_bar->setTheme(theme);
    recolour();
}

QString MemoryFigures::formulaText() const
{
    return m_formula->text().replace(QChar(0x00a0), QLatin1Char(' '));
}

QString MemoryFigures::errorText() const
{
    return m_error->text();
}

void MemoryFigures::setGpuRowsVisible(bool visible)
{
    for (QLabel* label : {m_weightsCaption, m_weights, m_cacheCaption, m_cache, m_leftCaption, m_left, m_fitCaption, m_fit})
        label->setVisible(visible);
}

void MemoryFigures::recolour()
{
    const QColor figures = m_stale ? m_theme.mutedText : m_theme.text;
    for (QLabel* label : {m_formula, m_perTokenCaption, m_perToken, m_totalCaption, m_total, m_weightsCaption, m_weights,
                          m_cacheCaption, m_cache, m_leftCaption, m_fitCaption, m_fit, m_notes})
        setColour(label, figures);
    setColour(m_left, m_leftBad ? m_theme.bad : figures);
    setColour(m_leftCaption, m_leftBad ? m_theme.bad : figures);
    setColour(m_error, m_theme.bad);
    setColour(m_source, m_theme.mutedText);
}

} // namespace kvlab
