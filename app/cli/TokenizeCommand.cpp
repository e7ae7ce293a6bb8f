#include "app/cli/TokenizeCommand.h"

#include "app/cli/CommandLine.h"
#include "app/window/AssetLocator.h"
#include "core/io/ModelBundle.h"
#include "core/tokenizer/Tokenizer.h"
#include "core/tokenizer/TokenizerLoader.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include <memory>

namespace kvlab {

namespace {

struct TokenizeRequest {
    QString text;
    QString modelPath;
    QString tokenizerPath; // --tokenizer: a llama2.c tokenizer.bin for a .bin model
    bool help = false;
    QString helpText;
};

void addOptions(QCommandLineParser& parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "kvcache-lab --tokenize TEXT [--model DIR]: the token ids and pieces of TEXT.\n"
        "Prints \"ids: ID,ID,...\" then \"pieces: P|P|...\": each piece as the token strip shows it\n"
        "(space ␣, newline ↵, tab ⇥, a byte that is not a whole character <0xC3>), pieces separated\n"
        "by |, and a | or \\ inside a piece written \\| or \\\\."));
    parser.addPositionalArgument(QStringLiteral("TEXT"), QStringLiteral("The text to tokenize."));
    parser.addOptions({
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")},
        {QStringLiteral("model"),
         QStringLiteral("A model folder (its tokenizer.json, vocab.json + merges.txt, or vocab.txt) or checkpoint "
                        "file (default: the shipped tiny-mha)."),
         QStringLiteral("DIR")},
        {QStringLiteral("tokenizer"),
         QStringLiteral("With a llama2.c .bin model: its tokenizer.bin (default: tokenizer.bin beside it)."),
         QStringLiteral("FILE")},
    });
}

TokenizeRequest parseRequest(const QStringList& arguments)
{
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("kvcache-lab --tokenize")} + arguments))
        throw UsageError(parser.errorText().toStdString());
    TokenizeRequest request;
    request.help = parser.isSet("help");
    request.helpText = CommandLine::helpText(parser, CommandLine::programName() + QStringLiteral(" --tokenize TEXT [options]"));
    if (request.help)
        return request;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        throw UsageError("give the text to tokenize as one argument (quote it if it holds spaces)");
    request.text = positional.constFirst();
    request.modelPath = parser.isSet("model") ? parser.value("model") : AssetLocator::defaultModelDir();
    request.tokenizerPath = parser.value("tokenizer");
    if (!request.tokenizerPath.isEmpty() && !parser.isSet("model"))
        throw UsageError("--tokenizer goes with a llama2.c .bin model: give it with --model FILE.bin");
    return request;
}

// A folder's tokenizer by its files; a checkpoint file's own, or the one
// given beside it (which the checkpoint's format judges).
std::shared_ptr<const kv::Tokenizer> tokenizerOf(const TokenizeRequest& request)
{
    if (QFileInfo(request.modelPath).isDir() && request.tokenizerPath.isEmpty())
        return kv::loadTokenizer(request.modelPath.toStdString());
    return kv::ModelBundle::load(request.modelPath.toStdString(), {request.tokenizerPath.toStdString()}).tokenizer;
}

std::string escaped(const std::string& piece)
{
    std::string text;
    for (char c : piece) {
        if (c == '|' || c == '\\')
            text += '\\';
        text += c;
    }
    return text;
}

} // namespace

std::string tokenizePiecesLine(const kv::Tokenizer& tokenizer, const std::vector<int>& ids)
{
    std::string line;
    for (std::size_t i = 0; i < ids.size(); ++i)
        line += (i ? "|" : "") + escaped(tokenizer.token(ids[i]));
    return line;
}

int runTokenizeCommand(const QStringList& arguments, std::ostream& out, std::ostream& err)
{
    TokenizeRequest request;
    try {
        request = parseRequest(arguments);
    } catch (const UsageError& error) {
        err << "kvcache-lab --tokenize: " << error.what() << "\n";
        return 2;
    }
    if (request.help) {
        out << request.helpText.toStdString();
        return 0;
    }
    try {
        const std::shared_ptr<const kv::Tokenizer> tokenizer = tokenizerOf(request);
        const std::vector<int> ids = tokenizer->encode(request.text.toStdString());
        std::string idList;
        for (std::size_t i = 0; i < ids.size(); ++i)
            idList += (i ? "," : "") + std::to_string(ids[i]);
        out << "ids: " << idList << "\n"
            << "pieces: " << tokenizePiecesLine(*tokenizer, ids) << "\n";
        return 0;
    } catch (const kv::KvError& error) {
        err << "kvcache-lab --tokenize: " << error.what() << "\n";
        return 1;
    }
}

} // namespace kvlab
