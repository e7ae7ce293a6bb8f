#include "app/cli/ExportCommand.h"

#include "app/window/AssetLocator.h"
#include "app/cli/CommandLine.h"
#include "app/export/ExportJob.h"
#include "core/util/KvError.h"
#include "app/window/LessonFactory.h"

#include <QCommandLineParser>
#include <QRegularExpression>

namespace kvlab {

namespace {

struct ExportRequest {
    ExportSettings settings;
    QString prompt = QStringLiteral("I");
    QString modelDir;
    int layer = 0;
    int head = 0;
    bool help = false;
    QString helpText;
};

[[noreturn]] void refuse(const QString& message)
{
    throw UsageError(message.toStdString());
}

QString viewIds()
{
    QStringList ids;
    for (ExportView view : exportViews())
        ids << exportViewId(view);
    return ids.join(QLatin1Char('|'));
}

void addOptions(QCommandLineParser& parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "kvcache-lab --export DIR [options]: the walk-through as slides, without a display.\n"
        "PNG and SVG write one file per page (step-NN, or step-NN-pP per phase); PDF writes one\n"
        "walkthrough.pdf with a page each; --animation writes frame-00001.png... for a video tool."));
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The folder to write to (created if missing)."));
    const auto option = [](const QString& name, const QString& help, const QString& value = {}) {
        return QCommandLineOption(name, help, value);
    };
    parser.addOptions({
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")},
        option(QStringLiteral("format"), QStringLiteral("png, svg or pdf (default png)."), QStringLiteral("F")),
        option(QStringLiteral("steps"), QStringLiteral("all, N or N-M; step 0 is the prefill (default all)."), QStringLiteral("S")),
        option(QStringLiteral("phases"), QStringLiteral("One page per phase of each step, not per step.")),
        option(QStringLiteral("view"), QStringLiteral("%1 (default both).").arg(viewIds()), QStringLiteral("V")),
        option(QStringLiteral("size"), QStringLiteral("WxH in pixels, or a4 for A4 landscape (default 1920x1080)."), QStringLiteral("WxH")),
        option(QStringLiteral("theme"), QStringLiteral("print (white, colour-blind safe) or screen (default print)."), QStringLiteral("T")),
        option(QStringLiteral("prompt"), QStringLiteral("The prompt of the walk-through (default \"I\")."), QStringLiteral("TEXT")),
        option(QStringLiteral("model"), QStringLiteral("A model folder (default the shipped tiny-mha)."), QStringLiteral("DIR")),
        option(QStringLiteral("layer"), QStringLiteral("The layer the panes show (default 0)."), QStringLiteral("N")),
        option(QStringLiteral("head"), QStringLiteral("The query head the panes show (default 0)."), QStringLiteral("N")),
        option(QStringLiteral("no-caption"), QStringLiteral("Leave out the caption (step, phase, a line of narration).")),
        option(QStringLiteral("no-strip"), QStringLiteral("Leave out the token strip above the panes or chart.")),
        option(QStringLiteral("no-legend"), QStringLiteral("Leave out the legend (the colour key) below the panes.")),
        option(QStringLiteral("scale"), QStringLiteral("PNG pixels per page pixel, 0.25 to 8 (default 1)."), QStringLiteral("F")),
        option(QStringLiteral("transparent"), QStringLiteral("PNG with a transparent background.")),
        option(QStringLiteral("animation"), QStringLiteral("Every phase animated, as numbered PNG frames.")),
        option(QStringLiteral("fps"), QStringLiteral("Frames per second of --animation (default 12)."), QStringLiteral("N")),
        option(QStringLiteral("force"), QStringLiteral("Replace files that already exist.")),
    });
}

int integerValue(const QCommandLineParser& parser, const QString& name)
{
    return CommandLine::number<int>(parser, name, "a whole number", CommandLine::anyValue);
}

void readSteps(const QString& text, ExportSettings& settings)
{
    if (text.compare(QLatin1String("all"), Qt::CaseInsensitive) == 0) {
        settings.steps = ExportSettings::Steps::All;
        return;
    }
    static const QRegularExpression pattern(QStringLiteral("^(\\d{1,6})(?:-(\\d{1,6}))?$"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        refuse(QStringLiteral("--steps takes all, N or N-M (like 2-4), got \"%1\"").arg(text));
    settings.steps = ExportSettings::Steps::Range;
    settings.firstStep = match.captured(1).toInt();
    settings.lastStep = match.hasCaptured(2) ? match.captured(2).toInt() : settings.firstStep;
}

void readLook(const QCommandLineParser& parser, ExportSettings& settings)
{
    if (parser.isSet("view")) {
        const auto view = exportViewFromId(parser.value("view"));
        if (!view)
            refuse(QStringLiteral("--view takes %1, got \"%2\"").arg(viewIds(), parser.value("view")));
        settings.view = *view;
    }
    if (parser.isSet("size")) {
        const auto size = ExportSettings::sizeFromText(parser.value("size"));
        if (!size)
            refuse(QStringLiteral("--size takes WxH (160x120 to 10000x10000) or a4, got \"%1\"").arg(parser.value("size")));
        settings.size = size->first;
        settings.customSize = size->second;
    }
    const QString theme = parser.value("theme");
    if (parser.isSet("theme") && theme != QLatin1String("print") && theme != QLatin1String("screen"))
        refuse(QStringLiteral("--theme takes print or screen, got \"%1\"").arg(theme));
    settings.theme = theme == QLatin1String("screen") ? ExportSettings::ThemeChoice::Screen : ExportSettings::ThemeChoice::Print;
    settings.caption = !parser.isSet("no-caption");
    settings.strip = !parser.isSet("no-strip");
    settings.legend = !parser.isSet("no-legend");
}

void readFormat(const QCommandLineParser& parser, ExportSettings& settings)
{
    if (parser.isSet("format")) {
        const auto format = ExportSettings::formatFromId(parser.value("format"));
        if (!format)
            refuse(QStringLiteral("--format takes png, svg or pdf, got \"%1\"").arg(parser.value("format")));
        settings.format = *format;
    }
    const bool png = settings.format == ExportSettings::Format::Png;
    settings.animation = parser.isSet("animation");
    if (settings.animation && (!png || parser.isSet("phases")))
        refuse(QStringLiteral("--animation writes PNG frames of every phase: leave out --format %1 and --phases")
                   .arg(parser.value("format")));
    if (parser.isSet("fps") && !settings.animation)
        refuse(QStringLiteral("--fps is the frame rate of --animation"));
    if (parser.isSet("fps"))
        settings.fps = integerValue(parser, "fps");
    if ((parser.isSet("scale") || parser.isSet("transparent")) && !png)
        refuse(QStringLiteral("--scale and --transparent are for PNG"));
    settings.pngScale = CommandLine::number(parser, QStringLiteral("scale"), settings.pngScale, "a number",
                                            CommandLine::anyValue);
    settings.transparent = parser.isSet("transparent");
}

ExportRequest parseRequest(const QStringList& arguments)
{
    QCommandLineParser parser;
    addOptions(parser);
    ExportRequest request;
    if (!parser.parse(QStringList{QStringLiteral("kvcache-lab --export")} + arguments))
        refuse(parser.errorText());
    request.help = parser.isSet("help");
    request.helpText = CommandLine::helpText(parser, CommandLine::programName() + QStringLiteral(" --export DIR [options]"));
    if (request.help)
        return request;
    if (parser.positionalArguments().size() != 1)
        refuse(QStringLiteral("give one folder to export to, like: kvcache-lab --export slides --format pdf"));
    request.settings.directory = parser.positionalArguments().constFirst();
    readFormat(parser, request.settings);
    readLook(parser, request.settings);
    if (parser.isSet("steps"))
        readSteps(parser.value("steps"), request.settings);
    request.settings.perPhase = parser.isSet("phases");
    request.settings.force = parser.isSet("force");
    if (parser.isSet("prompt"))
        request.prompt = parser.value("prompt");
    request.modelDir = parser.isSet("model") ? parser.value("model") : AssetLocator::defaultModelDir();
    request.layer = parser.isSet("layer") ? integerValue(parser, "layer") : 0;
    request.head = parser.isSet("head") ? integerValue(parser, "head") : 0;
    return request;
}

Frame walkThrough(const ExportRequest& request)
{
    LessonFactory lessons;
    lessons.loadModel(request.modelDir);
    Frame frame;
    frame.lesson = lessons.normal(request.prompt, kv::GenerationSettings{});
    frame.layer = request.layer;
    frame.head = request.head;
    frame.theme = Theme::light();
    return frame;
}

} // namespace

int runExportCommand(const QStringList& arguments, std::ostream& out, std::ostream& err)
{
    try {
        const ExportRequest request = parseRequest(arguments);
        if (request.help) {
            out << request.helpText.toStdString();
            return 0;
        }
        const ExportJob job(request.settings, walkThrough(request));
        if (const QString problem = job.problem(); !problem.isEmpty())
            refuse(problem);
        const bool replacing = !job.existingFiles().isEmpty();
        const ExportJob::Result result = job.run();
        if (!result.ok()) {
            err << "kvcache-lab --export: " << result.error.toStdString()
                << (replacing && !request.settings.force ? "; add --force to replace them" : "") << "\n";
            return 1;
        }
        for (const QString& file : result.files)
            out << file.toStdString() << "\n";
        return 0;
    } catch (const kv::KvError& error) {
        err << "kvcache-lab --export: " << error.what() << "\n";
        return 2;
    }
}

} // namespace kvlab
