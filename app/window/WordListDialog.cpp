#include "app/window/WordListDialog.h"

#include "app/window/AssetLocator.h"
#include "core/util/KvError.h"
#include "core/io/ModelBundle.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMap>
#include <QVBoxLayout>

namespace kvlab {

WordListDialog::WordListDialog(std::vector<Vocabulary> vocabularies, QWidget* parent)
    : QDialog(parent)
    , m_search(new QLineEdit(this))
    , m_list(new QListWidget(this))
    , m_heading(new QLabel(this))
    , m_refused(new QLabel(this))
{
    setWindowTitle(tr("Words the models know"));
    setObjectName(QStringLiteral("wordList"));
    QMap<QString, QStringList> knownBy; // sorted by word
    QStringList models;
    for (const Vocabulary& vocabulary : vocabularies) {
        models << vocabulary.model;
        for (const std::string& word : vocabulary.words)
            knownBy[QString::fromStdString(word)] << vocabulary.model;
    }
    m_words = knownBy.keys();
    for (const QString& word : m_words) {
        auto* item = new QListWidgetItem(word, m_list);
        item->setToolTip(tr("Known by %1").arg(knownBy[word].join(QStringLiteral(", "))));
    }
    m_heading->setText(tr("%1 words, known by %2. A prompt may use these words only.")
                           .arg(m_words.size())
                           .arg(models.join(QStringLiteral(", "))));
    m_heading->setWordWrap(true);
    m_refused->setWordWrap(true);
    m_refused->hide();
    m_search->setPlaceholderText(tr("Search…"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, this, &WordListDialog::refilter);
    connect(m_list, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) {
        QApplication::clipboard()->setText(item->text());
        emit wordChosen(item->text());
    });
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_refused);
    layout->addWidget(m_heading);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    resize(360, 480);
}

std::vector<WordListDialog::Vocabulary> WordListDialog::shippedVocabularies()
{
    std::vector<Vocabulary> vocabularies;
    for (const QString& name : AssetLocator::shippedModelNames()) {
        try {
            const kv::ModelBundle bundle = kv::ModelBundle::load(AssetLocator::modelDir(name).toStdString());
            vocabularies.push_back({name, bundle.tokenizer->vocabulary()});
        } catch (const kv::KvError&) {
            continue; // a broken model folder is reported where it is opened, not here
        }
    }
    return vocabularies;
}

void WordListDialog::setFilter(const QString& text)
{
    m_search->setText(text);
}

void WordListDialog::setRefusedWord(const QString& word)
{
    m_refused->setVisible(!word.isEmpty());
    m_refused->setText(tr("<b>“%1”</b> is not among them. Pick a word from the list (double-click copies it).")
                           .arg(word.toHtmlEscaped()));
}

QStringList WordListDialog::shownWords() const
{
    QStringList shown;
    for (int i = 0; i < m_list->count(); ++i)
        if (!m_list->item(i)->isHidden())
            shown << m_list->item(i)->text();
    return shown;
}

void WordListDialog::refilter()
{
    const QString needle = m_search->text().trimmed();
    for (int i = 0; i < m_list->count(); ++i)
        m_list->item(i)->setHidden(!m_list->item(i)->text().contains(needle, Qt::CaseInsensitive));
}

} // namespace kvlab
