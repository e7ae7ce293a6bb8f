#include "app/cli/CliOptions.h"

#include "app/cli/CommandLine.h"
#include "core/tokenizer/IdTokenizer.h"

#include <QCommandLineParser>
#include <QRegularExpression>

namespace kvlab {

namespace {

// "1920x1080" as a size within what a screen can hold; nothing otherwise.
std::optional<QSize> windowSizeFrom(const QString& text)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{3,5})[xX×](\\d{3,5})$"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const QSize size(match.captured(1).toInt(), match.captured(2).toInt());
    const bool plausible = size.width() >= 640 && size.height() >= 480 && size.width() <= 7680 && size.height() <= 4320;
    return plausible ? std::optional<QSize>(size) : std::nullopt;
}

std::optional<CliOptions::PaneLayout> paneLayoutFrom(const QString& name)
{
    using PaneLayout = CliOptions::PaneLayout;
    if (name == QLatin1String("side"))
        return PaneLayout::Side;
    if (name == QLatin1String("stacked"))
        return PaneLayout::Stacked;
    if (name == QLatin1String("uncached"))
        return PaneLayout::UncachedOnly;
    if (name == QLatin1String("cached"))
        return PaneLayout::CachedOnly;
    return std::nullopt;
}

} // namespace

const QStringList CliOptions::kDockNames{QStringLiteral("sampling"), QStringLiteral("charts"), QStringLiteral("memory"),
                                         QStringLiteral("benchmark"), QStringLiteral("cache"), QStringLiteral("heads")};

CliOptions::Result CliOptions::parse(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("KV Cache Lab: watch a tiny transformer decode with and without a KV cache."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Show the version."));
    const QCommandLineOption text(QStringLiteral("text"), QStringLiteral("Walk through in the terminal, one line per step."));
    const QCommandLineOption prompt(QStringLiteral("prompt"), QStringLiteral("Prompt words (default: \"I\")."), QStringLiteral("TEXT"));
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("Model: a folder (config.json, model.safetensors, vocab.txt or tokenizer.json) or a llama2.c .bin file."), QStringLiteral("DIR"));
    const QCommandLineOption tokenizer(QStringLiteral("tokenizer"), QStringLiteral("With a llama2.c .bin model: its tokenizer.bin (default: tokenizer.bin beside it, else tokens shown as #ids)."), QStringLiteral("FILE"));
    const QCommandLineOption maxNew(QStringLiteral("max-new"), QStringLiteral("Most new tokens to generate (default: until [EOS] or the context is full)."), QStringLiteral("N"));
    const QCommandLineOption temperature(QStringLiteral("temperature"), QStringLiteral("Sampling temperature; 0 is greedy (default)."), QStringLiteral("T"));
    const QCommandLineOption topK(QStringLiteral("top-k"), QStringLiteral("Sample among the K likeliest tokens (0: all)."), QStringLiteral("K"));
    const QCommandLineOption topP(QStringLiteral("top-p"), QStringLiteral("Sample from the smallest set holding probability P (1: all)."), QStringLiteral("P"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed for sampling (default 0)."), QStringLiteral("S"));
    const QCommandLineOption step(QStringLiteral("step"), QStringLiteral("Window: open at this decode step (0 is the prefill)."), QStringLiteral("N"));
    const QCommandLineOption phase(QStringLiteral("phase"), QStringLiteral("Window: open at this phase of the step, 1-7 (GPT-2: 1 token in, 2 project, 3 append, 4 scores, 5 softmax, 6 mix, 7 next token), 1-8 for rotary models, whose phase 3 is the RoPE rotation."), QStringLiteral("P"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Window: save a screenshot of the window to FILE and quit."), QStringLiteral("FILE"));
    const QCommandLineOption present(QStringLiteral("present"), QStringLiteral("Window: start in presentation mode (full screen, large type)."));
    const QCommandLineOption midAnimation(QStringLiteral("mid-animation"), QStringLiteral("With --screenshot: grab while the phase animates in."));
    const QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("Window: light or dark."), QStringLiteral("NAME"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window: open at this size, e.g. 1920x1080, instead of the saved one (also in presentation)."), QStringLiteral("WxH"));
    const QCommandLineOption layout(QStringLiteral("layout"), QStringLiteral("Window: arrange the panes side (by side), stacked, uncached (alone) or cached (alone)."), QStringLiteral("NAME"));
    const QCommandLineOption docks(QStringLiteral("docks"), QStringLiteral("Window: open these docks: all, or some of sampling, charts, memory, benchmark, cache (the whole cache) and heads (all heads), separated by commas."), QStringLiteral("LIST"));
    parser.addOptions({help, version, text, prompt, model, tokenizer, maxNew, temperature, topK, topP, seed, step, phase, screenshot,
                       present, theme, midAnimation, size, layout, docks});

    Result result;
    if (!parser.parse(arguments)) {
        result.error = parser.errorText();
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.error = QStringLiteral("unexpected argument \"%1\" (did you mean --prompt \"%1\"?)")
                           .arg(parser.positionalArguments().constFirst());
        return result;
    }

    CliOptions options;
    options.helpRequested = parser.isSet(help);
    options.versionRequested = parser.isSet(version);
    const QString fullHelp = parser.helpText();
    options.helpText = fullHelp.mid(fullHelp.indexOf(QStringLiteral("Options:")) + QStringLiteral("Options:\n").size());
    options.mode = parser.isSet(text) ? Mode::Text : Mode::Window;
    options.promptGiven = parser.isSet(prompt);
    if (options.promptGiven)
        options.prompt = parser.value(prompt);
    options.modelDir = parser.value(model);
    options.tokenizerPath = parser.value(tokenizer);
    if (!options.tokenizerPath.isEmpty() && options.modelDir.isEmpty()) {
        result.error = QStringLiteral("--tokenizer goes with a llama2.c .bin model: give it with --model FILE.bin");
        return result;
    }
    options.screenshotPath = parser.value(screenshot);
    options.presentation = parser.isSet(present);
    options.midAnimation = parser.isSet(midAnimation);
    options.theme = parser.value(theme);
    if (!options.theme.isEmpty() && options.theme != QLatin1String("light") && options.theme != QLatin1String("dark")) {
        result.error = QStringLiteral("--theme must be light or dark, got \"%1\"").arg(options.theme);
        return result;
    }

    if (parser.isSet(size)) {
        const std::optional<QSize> parsed = windowSizeFrom(parser.value(size));
        if (!parsed) {
            result.error = QStringLiteral("--size must be WIDTHxHEIGHT from 640x480 to 7680x4320, e.g. 1920x1080, got \"%1\"")
                               .arg(parser.value(size));
            return result;
        }
        options.windowSize = *parsed;
    }
    if (parser.isSet(layout)) {
        options.paneLayout = paneLayoutFrom(parser.value(layout));
        if (!options.paneLayout) {
            result.error = QStringLiteral("--layout must be side, stacked, uncached or cached, got \"%1\"")
                               .arg(parser.value(layout));
            return result;
        }
    }

    if (parser.isSet(docks)) {
        const QString list = parser.value(docks);
        options.docks = list == QLatin1String("all") ? kDockNames : list.split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const QString& name : std::as_const(options.docks))
            if (!kDockNames.contains(name)) {
                result.error = QStringLiteral("--docks must be all or a comma list of %1, got \"%2\"")
                                   .arg(kDockNames.join(QStringLiteral(", ")), name);
                return result;
            }
    }

    try {
        using CommandLine::number;
        options.maxNewTokens = number(parser, QStringLiteral("max-new"), 0, "a positive integer", [](int v) { return v >= 1; });
        options.sampling.temperature = number(parser, QStringLiteral("temperature"), options.sampling.temperature,
                                              "a number from 0 to 100", [](float v) { return v >= 0.0f && v <= 100.0f; });
        options.sampling.topK = number(parser, QStringLiteral("top-k"), options.sampling.topK, "0 or a positive integer",
                                       [](int v) { return v >= 0; });
        options.sampling.topP = number(parser, QStringLiteral("top-p"), options.sampling.topP, "a number in (0, 1]",
                                       [](float v) { return v > 0.0f && v <= 1.0f; });
        options.sampling.seed = number(parser, QStringLiteral("seed"), qulonglong(options.sampling.seed),
                                       "a non-negative integer", CommandLine::anyValue);
        options.startStep = number(parser, QStringLiteral("step"), 0, "0 or a positive integer", [](int v) { return v >= 0; });
        options.startPhase = number(parser, QStringLiteral("phase"), 1, "an integer from 1 to 8",
                                    [](int v) { return v >= 1 && v <= 8; });
    } catch (const UsageError& error) {
        result.error = QString::fromUtf8(error.what());
        return result;
    }
    result.options = options;
    return result;
}

QString CliOptions::defaultPrompt(const kv::Tokenizer& tokenizer)
{
    return dynamic_cast<const kv::IdTokenizer*>(&tokenizer) ? QString() : CliOptions().prompt;
}

} // namespace kvlab
