#pragma once

#include "views/memory/MemoryReport.h"
#include "views/style/Theme.h"

#include <QStringList>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace kvlab {

class GpuSplitBar;

// The calculator's answer in words and numbers, large enough to project: the
// formula with the numbers filled in, bytes per token and in total, the GPU's
// split, the tokens that fit, the calculator's notes, and an input error in
// red above the last valid figures (which stay, dimmed).
class MemoryFigures : public QWidget {
    Q_OBJECT

public:
    explicit MemoryFigures(QWidget* parent = nullptr);

    // `extraNotes` are the panel's own remarks, shown after the calculator's.
    void show(const MemoryReport& report, const QStringList& extraNotes);
    void showError(const QString& message);
    void setTheme(const Theme& theme);

    QString formulaText() const; // as shown, with plain spaces: "KV cache = 2 × 2 B × ...\n= 1,342,177,280 B"
    QString errorText() const; // empty when the input is valid
    QStringList notes() const { return m_noteList; }
    bool leftShownAsBad() const { return m_leftBad; }

private:
    void addRow(QLabel*& caption, QLabel*& value);
    void setGpuRowsVisible(bool visible);
    void recolour();

    QLabel* m_formula;
    QLabel* m_error;
    QGridLayout* m_rows; // caption | value
    QLabel* m_perTokenCaption;
    QLabel* m_perToken;
    QLabel* m_totalCaption;
    QLabel* m_total;
    GpuSplitBar* m_bar;
    QLabel* m_weightsCaption;
    QLabel* m_weights;
    QLabel* m_cacheCaption;
    QLabel* m_cache;
    QLabel* m_leftCaption;
    QLabel* m_left;
    QLabel* m_fitCaption;
    QLabel* m_fit;
    QLabel* m_notes;
    QLabel* m_source;
    QStringList m_noteList;
    Theme m_theme = Theme::light();
    bool m_leftBad = false;
    bool m_stale = false; // an error is shown: the figures are the last valid ones
};

} // namespace kvlab
