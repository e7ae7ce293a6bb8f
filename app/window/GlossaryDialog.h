#pragma once

#include <QDialog>

class QListWidget;
class QTextBrowser;

namespace kvlab {

// Help ▸ Glossary, and where a linked word of the narration leads: the terms
// on the left, the chosen one explained on the right. Not modal, so the
// walk-through stays in reach.
class GlossaryDialog : public QDialog {
    Q_OBJECT

public:
    explicit GlossaryDialog(QWidget* parent = nullptr);

    // Selects the entry `id` (Glossary::Entry::id) and shows the dialog; false for an unknown id.
    bool showTerm(const QString& id);
    QString shownTerm() const; // the id on display
    QTextBrowser* text() const { return m_text; }
    QListWidget* terms() const { return m_terms; }

private:
    void showRow(int row);

    QListWidget* m_terms;
    QTextBrowser* m_text;
};

} // namespace kvlab
