#include "app/window/GlossaryDialog.h"

#include "views/style/Glossary.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QListWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace kvlab {

GlossaryDialog::GlossaryDialog(QWidget* parent)
    : QDialog(parent)
    , m_terms(new QListWidget(this))
    , m_text(new QTextBrowser(this))
{
    setWindowTitle(tr("Glossary"));
    setObjectName(QStringLiteral("glossary"));
    for (const Glossary::Entry& entry : Glossary::entries()) {
        auto* item = new QListWidgetItem(entry.term, m_terms);
        item->setData(Qt::UserRole, entry.id);
    }
    m_terms->setMaximumWidth(m_terms->sizeHintForColumn(0) + 40);
    // Definitions link to each other like the narration links to them.
    m_text->setOpenLinks(false);
    connect(m_text, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) { showTerm(Glossary::idOfLink(url.toString())); });
    connect(m_terms, &QListWidget::currentRowChanged, this, &GlossaryDialog::showRow);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    auto* columns = new QHBoxLayout;
    columns->addWidget(m_terms);
    columns->addWidget(m_text, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(buttons);
    resize(640, 320);
    m_terms->setCurrentRow(0);
}

void GlossaryDialog::showRow(int row)
{
    if (row < 0 || row >= static_cast<int>(Glossary::entries().size()))
        return;
    const Glossary::Entry& entry = Glossary::entries()[static_cast<std::size_t>(row)];
    QString definition = Glossary::linkTerms(entry.definition);
    m_text->setHtml(QStringLiteral("<h3>%1</h3><p>%2</p>").arg(entry.term.toHtmlEscaped(), definition));
}

bool GlossaryDialog::showTerm(const QString& id)
{
    const auto& entries = Glossary::entries();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].id != id)
            continue;
        m_terms->setCurrentRow(static_cast<int>(i));
        show();
        raise();
        return true;
    }
    return false;
}

QString GlossaryDialog::shownTerm() const
{
    const QListWidgetItem* item = m_terms->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

} // namespace kvlab
