#pragma once

#include <QColor>
#include <QCoreApplication>
#include <QString>

#include <vector>

namespace kvlab {

// The words a learner meets in the narration, explained once: query, key,
// value, KV cache, prefill, decode, GQA, position, RoPE.
class Glossary {
    Q_DECLARE_TR_FUNCTIONS(Glossary)

public:
    struct Entry {
        QString id;         // the anchor: "glossary:<id>"
        QString term;       // as the glossary lists it
        QString pattern;    // the words in running text that link to it (a regular expression, case-insensitive)
        QString definition; // rich text
    };

    static const std::vector<Entry>& entries();
    static const Entry* find(const QString& id);
    // The id of an anchor href such as "glossary:query", empty for any other link.
    static QString idOfLink(const QString& href);
    // `html` with the first mention of each term outside tags made a link to
    // its entry (<a href="glossary:id">), for a QLabel or QTextBrowser;
    // drawn in `colour` when it is valid (a link must read on a dark theme too).
    static QString linkTerms(const QString& html, const QColor& colour = {});
};

} // namespace kvlab
