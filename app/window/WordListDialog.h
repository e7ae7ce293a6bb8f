#pragma once

#include <QDialog>

#include <string>
#include <vector>

class QLabel;
class QLineEdit;
class QListWidget;

namespace kvlab {

// Help ▸ Words the Models Know, also offered under an unknown-word refusal:
// every word of the shipped models' vocabularies, searchable, each with the
// models that know it. Double-click copies a word to the clipboard.
class WordListDialog : public QDialog {
    Q_OBJECT

public:
    struct Vocabulary {
        QString model;
        std::vector<std::string> words;
    };

    explicit WordListDialog(std::vector<Vocabulary> vocabularies, QWidget* parent = nullptr);
    // The shipped models' vocabularies, read from their folders (models that fail to load are left out).
    static std::vector<Vocabulary> shippedVocabularies();

    void setFilter(const QString& text);
    // Says above the list which word was refused, or nothing for an empty word.
    void setRefusedWord(const QString& word);
    QStringList shownWords() const; // the words the filter leaves, in order
    int wordCount() const { return m_words.size(); }
    QLineEdit* search() const { return m_search; }
    QListWidget* list() const { return m_list; }

signals:
    void wordChosen(const QString& word);

private:
    void refilter();

    QStringList m_words; // sorted, without duplicates
    QLineEdit* m_search;
    QListWidget* m_list;
    QLabel* m_heading;
    QLabel* m_refused;
};

} // namespace kvlab
