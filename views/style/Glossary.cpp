#include "views/style/Glossary.h"

#include <QRegularExpression>

namespace kvlab {

namespace {

const QString kScheme = QStringLiteral("glossary:");

std::vector<Glossary::Entry> buildEntries()
{
    return {
        {QStringLiteral("query"), Glossary::tr("query (q, Q)"), QStringLiteral("quer(y|ies)"),
         Glossary::tr("What a token is looking for. Each token's hidden state times W_Q gives its query row; its dot "
                      "product with every key says how much the token attends to that key's token. Only the newest "
                      "token's query is needed to predict the next token.")},
        {QStringLiteral("key"), Glossary::tr("key (k, K)"), QStringLiteral("keys?"),
         Glossary::tr("What a token offers to be found by. The hidden state times W_K; the keys of all tokens so far "
                      "are the columns of Kᵀ. A token's key never changes once computed, which is why it can be cached.")},
        {QStringLiteral("value"), Glossary::tr("value (v, V)"), QStringLiteral("values?"),
         Glossary::tr("What a token hands on when attended to. The hidden state times W_V; the attention weights mix "
                      "the rows of V into the head's output.")},
        {QStringLiteral("kv-cache"), Glossary::tr("KV cache"), QStringLiteral("KV cache|cache"),
         Glossary::tr("Per layer, the keys and values of every token processed so far, kept between decode steps. "
                      "Each step appends the new token's k and v instead of recomputing them for the whole "
                      "sequence. It costs memory: a key and a value for every layer, KV head, token and sequence "
                      "in the batch.")},
        {QStringLiteral("prefill"), Glossary::tr("prefill"), QStringLiteral("prefill"),
         Glossary::tr("The first pass: the whole prompt goes through the model at once, filling the cache with its "
                      "keys and values and giving the first new token. It is the slow step (time to first token).")},
        {QStringLiteral("decode"), Glossary::tr("decode step"), QStringLiteral("decode( steps?)?"),
         Glossary::tr("Each step after the prefill: one new token goes in, one next token comes out. With the cache a "
                      "step computes one row of q, k, v per layer; without it, the whole sequence is fed again.")},
        {QStringLiteral("gqa"), Glossary::tr("GQA (grouped-query attention)"),
         QStringLiteral("grouped-query attention|GQA"),
         Glossary::tr("Several query heads share one key/value head, so the cache holds fewer K/V heads and shrinks "
                      "by n_heads / n_kv_heads. Multi-query attention is the extreme: one K/V head for all.")},
        {QStringLiteral("position"), Glossary::tr("position (current_pos)"), QStringLiteral("positions?"),
         Glossary::tr("A token's index in the sequence. The model adds (or, with RoPE, rotates in) its position "
                      "before attention. With a cache a counter, current_pos, must advance with every token; left "
                      "behind, every new token would be encoded at the same position.")},
        {QStringLiteral("rope"), Glossary::tr("RoPE (rotary position embedding)"), QStringLiteral("RoPE|rotary"),
         Glossary::tr("The Llama family's positions: q and k are rotated by an angle that grows with the position "
                      "before their dot product. The cache stores keys already rotated, so a cached key carries its "
                      "position and never needs rotating again.")},
        {QStringLiteral("rmsnorm"), Glossary::tr("RMSNorm"), QStringLiteral("RMSNorm"),
         Glossary::tr("The Llama family's normalisation: each hidden vector is divided by the root of its mean square "
                      "and scaled by a learned gain, with no mean subtracted and no bias (LayerNorm does both). It "
                      "acts before the attention and before the MLP of every layer, and once more before "
                      "the classifier.")},
        {QStringLiteral("swiglu"), Glossary::tr("SwiGLU MLP"), QStringLiteral("SwiGLU"),
         Glossary::tr("The Llama family's MLP, with three matrices where a GELU MLP has two: the gate and up "
                      "projections widen the hidden state, the gate goes through SiLU and multiplies the up "
                      "projection element by element, and the down projection brings the result back to the model's "
                      "width.")},
    };
}

} // namespace

const std::vector<Glossary::Entry>& Glossary::entries()
{
    static const std::vector<Entry> all = buildEntries();
    return all;
}

const Glossary::Entry* Glossary::find(const QString& id)
{
    for (const Entry& entry : entries())
        if (entry.id == id)
            return &entry;
    return nullptr;
}

QString Glossary::idOfLink(const QString& href)
{
    return href.startsWith(kScheme) && find(href.mid(kScheme.size())) ? href.mid(kScheme.size()) : QString();
}

QString Glossary::linkTerms(const QString& html, const QColor& colour)
{
    const QString style = colour.isValid() ? QStringLiteral(" style=\"color:%1\"").arg(colour.name()) : QString();
    // Split into tags and text; link only in text outside anchors, once per entry.
    static const QRegularExpression tag(QStringLiteral("<[^>]*>"));
    QStringList pieces;
    QList<bool> isText;
    qsizetype at = 0;
    for (auto match = tag.globalMatch(html); match.hasNext();) {
        const auto found = match.next();
        pieces << html.mid(at, found.capturedStart() - at) << found.captured();
        isText << true << false;
        at = found.capturedEnd();
    }
    pieces << html.mid(at);
    isText << true;

    std::vector<bool> linked(entries().size(), false);
    bool inAnchor = false;
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        if (!isText[i]) {
            const QString lower = pieces[i].toLower();
            if (lower.startsWith(QLatin1String("<a ")) && lower.endsWith(QLatin1String("</a>")))
                continue; // a link made here, whole
            inAnchor = lower.startsWith(QLatin1String("<a ")) ? true : lower.startsWith(QLatin1String("</a")) ? false : inAnchor;
            continue;
        }
        if (inAnchor)
            continue;
        for (std::size_t e = 0; e < entries().size(); ++e) {
            if (linked[e])
                continue;
            const QRegularExpression word(QStringLiteral("\\b(%1)\\b").arg(entries()[e].pattern),
                                          QRegularExpression::CaseInsensitiveOption);
            const auto found = word.match(pieces[i]);
            if (!found.hasMatch())
                continue;
            // The link goes into its own piece, so later entries never match inside it.
            const QString before = pieces[i].left(found.capturedStart());
            const QString after = pieces[i].mid(found.capturedEnd());
            const QString anchor
                = QStringLiteral("<a href=\"%1%2\"%3>%4</a>").arg(kScheme, entries()[e].id, style, found.captured());
            pieces[i] = before;
            pieces.insert(i + 1, anchor);
            isText.insert(i + 1, false);
            pieces.insert(i + 2, after);
            isText.insert(i + 2, true);
            linked[e] = true;
        }
    }
    return pieces.join(QString());
}

} // namespace kvlab
