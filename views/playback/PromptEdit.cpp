#include "views/playback/PromptEdit.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QRegularExpression>
#include <QStringListModel>
#include <QStyle>
#include <QStyleOptionFrame>
#include <QToolTip>

namespace kvlab {

namespace {

const QRegularExpression& wordPattern()
{
    static const QRegularExpression pattern(QStringLiteral("\\[EOS\\]|[^\\s.,!?;:()\"]+|[.,!?;:()\"]"),
                                            QRegularExpression::CaseInsensitiveOption);
    return pattern;
}

} // namespace

PromptEdit::PromptEdit(QWidget* parent)
    : QLineEdit(parent)
    , m_completer(new QCompleter(this))
    , m_words(new QStringListModel(this))
{
    setPlaceholderText(tr("Prompt, e.g. I"));
    setClearButtonEnabled(true);
    m_completer->setModel(m_words);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setWidget(this);
    connect(m_completer, qOverload<const QString&>(&QCompleter::activated), this, &PromptEdit::completeLastWord);
    connect(this, &QLineEdit::textEdited, this, &PromptEdit::refreshCompletionPrefix);
    connect(this, &QLineEdit::textChanged, this, qOverload<>(&QWidget::update));
}

void PromptEdit::setTokenizer(std::shared_ptr<const kv::Tokenizer> tokenizer)
{
    m_tokenizer = std::move(tokenizer);
    QStringList words;
    for (const std::string& word : m_tokenizer->vocabulary())
        words << QString::fromStdString(word);
    words.sort(Qt::CaseInsensitive);
    m_words->setStringList(words);
    update();
}

QList<PromptEdit::Unknown> PromptEdit::unknownWords() const
{
    QList<Unknown> unknown;
    if (!m_tokenizer)
        return unknown;
    auto matches = wordPattern().globalMatch(text());
    while (matches.hasNext()) {
        const auto match = matches.next();
        const std::string word = match.captured().toStdString();
        if (m_tokenizer->find(word))
            continue;
        QStringList suggestions;
        for (const std::string& near : m_tokenizer->nearest(word))
            suggestions << QString::fromStdString(near);
        unknown.append({match.captured(), static_cast<int>(match.capturedStart()), suggestions});
    }
    return unknown;
}

void PromptEdit::refreshCompletionPrefix()
{
    const QString before = text().left(cursorPosition());
    const qsizetype space = before.lastIndexOf(QLatin1Char(' '));
    const QString prefix = before.mid(space + 1);
    if (prefix.isEmpty()) {
        m_completer->popup()->hide();
        return;
    }
    m_completer->setCompletionPrefix(prefix);
    if (m_completer->completionCount() > 0)
        m_completer->complete();
    else
        m_completer->popup()->hide();
}

void PromptEdit::completeLastWord(const QString& completion)
{
    const QString before = text().left(cursorPosition());
    const qsizetype space = before.lastIndexOf(QLatin1Char(' '));
    const QString updated = before.left(space + 1) + completion + text().mid(cursorPosition());
    setText(updated);
    setCursorPosition(static_cast<int>(space + 1 + completion.size()));
}

void PromptEdit::paintEvent(QPaintEvent* event)
{
    QLineEdit::paintEvent(event);
    const QList<Unknown> unknown = unknownWords();
    if (unknown.isEmpty())
        return;
    QStyleOptionFrame option;
    initStyleOption(&option);
    const QRect textArea = style()->subElementRect(QStyle::SE_LineEditContents, &option, this)
                               .marginsRemoved(textMargins());
    // Where the text starts on screen: the cursor rectangle gives the scroll offset.
    const int cursorX = cursorRect().center().x();
    const int textStart = cursorX - fontMetrics().horizontalAdvance(text().left(cursorPosition()));
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(QColor(0xd3, 0x2f, 0x2f), 1.6));
    const int baseline = textArea.center().y() + fontMetrics().ascent() / 2 + 3;
    for (const Unknown& word : unknown) {
        const int left = textStart + fontMetrics().horizontalAdvance(text().left(word.start));
        const int width = fontMetrics().horizontalAdvance(word.word);
        QPainterPath wave(QPointF(left, baseline));
        for (int x = 0; x <= width; x += 3)
            wave.lineTo(left + x, baseline + ((x / 3) % 2 ? 2 : -1));
        painter.drawPath(wave);
    }
}

bool PromptEdit::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        const QList<Unknown> unknown = unknownWords();
        if (!unknown.isEmpty()) {
            QStringList lines;
            for (const Unknown& word : unknown)
                lines << tr("\"%1\" is not in the vocabulary. Nearest: %2").arg(word.word, word.suggestions.join(QStringLiteral(", ")));
            QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(), lines.join(QLatin1Char('\n')), this);
            return true;
        }
    }
    return QLineEdit::event(event);
}

} // namespace kvlab
