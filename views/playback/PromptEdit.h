#pragma once

#include "core/tokenizer/Tokenizer.h"

#include <QLineEdit>

#include <memory>

class QCompleter;
class QStringListModel;

namespace kvlab {

// The prompt box: completes words from the model's vocabulary, underlines
// words the model does not know and names the nearest known ones on hover.
class PromptEdit : public QLineEdit {
    Q_OBJECT

public:
    explicit PromptEdit(QWidget* parent = nullptr);

    void setTokenizer(std::shared_ptr<const kv::Tokenizer> tokenizer);
    struct Unknown {
        QString word;
        int start = 0; // character offset in text()
        QStringList suggestions;
    };
    QList<Unknown> unknownWords() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    void completeLastWord(const QString& completion);
    void refreshCompletionPrefix();

    std::shared_ptr<const kv::Tokenizer> m_tokenizer;
    QCompleter* m_completer = nullptr;
    QStringListModel* m_words = nullptr;
};

} // namespace kvlab
