#include "CliOptions.h"

#include <QCommandLineParser>

namespace kvlab {

namespace {

template <typename Number>
std::optional<Number> parseNumber(const QString& text);

template <>
std::optional<int> parseNumber<int>(const QString& text)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    return ok ? std::optional<int>(value) : std::nullopt;
}

template <>
std::optional<float> parseNumber<float>(const QString& text)
{
    bool ok = false;
    const float value = text.toFloat(&ok);
    return ok ? std::optional<float>(value) : std::nullopt;
}

template <>
std::optional<qulonglong> parseNumber<qulonglong>(const QString& text)
{
    bool ok = false;
    const qulonglong value = text.toULongLong(&ok);
    return ok ? std::optional<qulonglong>(value) : std::nullopt;
}

} // namespace

CliOptions::Result CliOptions::parse(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("KV Cache Lab: watch a tiny transformer decode with and without a KV cache."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Show the version."));
    const QCommandLineOption text(QStringLiteral("text"), QStringLiteral("Walk through in the terminal, one line per step."));
    const QCommandLineOption prompt(QStringLiteral("prompt"), QStringLiteral("Prompt words (default: \"I\")."), QStringLiteral("TEXT"));
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("Model folder (config.json, model.safetensors, vocab.txt)."), QStringLiteral("DIR"));
    const QCommandLineOption maxNew(QStringLiteral("max-new"), QStringLiteral("Most new tokens to generate (default: until [EOS] or the context is full)."), QStringLiteral("N"));
    const QCommandLineOption temperature(QStringLiteral("temperature"), QStringLiteral("Sampling temperature; 0 is greedy (default)."), QStringLiteral("T"));
    const QCommandLineOption topK(QStringLiteral("top-k"), QStringLiteral("Sample among the K likeliest tokens (0: all)."), QStringLiteral("K"));
    const QCommandLineOption topP(QStringLiteral("top-p"), QStringLiteral("Sample from the smallest set holding probability P (1: all)."), QStringLiteral("P"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed for sampling (default 0)."), QStringLiteral("S"));
    const QCommandLineOption step(QStringLiteral("step"), QStringLiteral("Window: open at this decode step (0 is the prefill)."), QStringLiteral("N"));
    const QCommandLineOption phase(QStringLiteral("phase"), QStringLiteral("Window: open at this phase of the step, 1-7."), QStringLiteral("P"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Window: save a screenshot of the window to FILE and quit."), QStringLiteral("FILE"));
    const QCommandLineOption present(QStringLiteral("present"), QStringLiteral("Window: start in presentation mode (full screen, large type)."));
    const QCommandLineOption midAnimation(QStringLiteral("mid-animation"), QStringLiteral("With --screenshot: grab while the phase animates in."));
    const QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("Window: light or dark."), QStringLiteral("NAME"));
    parser.addOptions({help, version, text, prompt, model, maxNew, temperature, topK, topP, seed, step, phase, screenshot,
                       present, theme, midAnimation});

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
    options.helpText = parser.helpText();
    options.mode = parser.isSet(text) ? Mode::Text : Mode::Window;
    if (parser.isSet(prompt))
        options.prompt = parser.value(prompt);
    options.modelDir = parser.value(model);
    options.screenshotPath = parser.value(screenshot);
    options.presentation = parser.isSet(present);
    options.midAnimation = parser.isSet(midAnimation);
    options.theme = parser.value(theme);
    if (!options.theme.isEmpty() && options.theme != QLatin1String("light") && options.theme != QLatin1String("dark")) {
        result.error = QStringLiteral("--theme must be light or dark, got \"%1\"").arg(options.theme);
        return result;
    }

    auto number = [&]<typename Number>(const QCommandLineOption& option, Number& target, auto valid,
                                       const char* rule) -> bool {
        if (!parser.isSet(option))
            return true;
        const auto value = parseNumber<Number>(parser.value(option));
        if (!value || !valid(*value)) {
            result.error = QStringLiteral("--%1 must be %2, got \"%3\"")
                               .arg(option.names().constFirst(), QString::fromLatin1(rule), parser.value(option));
            return false;
        }
        target = *value;
        return true;
    };
    qulonglong seedValue = 0;
    const bool ok = number(maxNew, options.maxNewTokens, [](int v) { return v >= 1; }, "a positive integer")
        && number(temperature, options.sampling.temperature, [](float v) { return v >= 0.0f && v <= 100.0f; }, "a number from 0 to 100")
        && number(topK, options.sampling.topK, [](int v) { return v >= 0; }, "0 or a positive integer")
        && number(topP, options.sampling.topP, [](float v) { return v > 0.0f && v <= 1.0f; }, "a number in (0, 1]")
        && number(seed, seedValue, [](qulonglong) { return true; }, "a non-negative integer")
        && number(step, options.startStep, [](int v) { return v >= 0; }, "0 or a positive integer")
        && number(phase, options.startPhase, [](int v) { return v >= 1 && v <= 7; }, "an integer from 1 to 7");
    if (!ok)
        return result;
    options.sampling.seed = seedValue;
    if (options.prompt.trimmed().isEmpty()) {
        result.error = QStringLiteral("the prompt is empty; give at least one word, e.g. --prompt \"I\"");
        return result;
    }
    result.options = options;
    return result;
}

} // namespace kvlab
