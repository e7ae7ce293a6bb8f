#include "app/cli/MemoryCommand.h"

#include "app/cli/CommandLine.h"
#include "core/lab/MemoryCalculator.h"
#include "core/lab/ModelPresets.h"
#include "core/util/NameMatching.h"
#include "core/util/NumberFormat.h"

#include <QCommandLineParser>

#include <algorithm>
#include <climits>
#include <iomanip>
#include <optional>
#include <sstream>

namespace kvlab {

namespace {

constexpr std::int64_t kDefaultContext = 4096;

struct MemoryRequest {
    bool list = false;
    std::optional<kv::ModelPreset> model;
    kv::MemorySettings settings;
    std::optional<kv::GpuPreset> gpu;
    bool help = false;
    QString helpText;
};

std::int64_t parseInteger(const QCommandLineParser& parser, const QString& option)
{
    // Ranges are the calculator's to check: it names what is wrong with a value.
    return CommandLine::number<qlonglong>(parser, option, "a whole number", CommandLine::anyValue);
}

// The default context: 4096 tokens, or the model's own maximum when that is shorter.
std::int64_t defaultContext(const kv::ModelPreset& model)
{
    return model.maxContext > 0 ? std::min(kDefaultContext, model.maxContext) : kDefaultContext;
}

void readSettings(const QCommandLineParser& parser, const kv::ModelPreset& model, MemoryRequest& request)
{
    request.settings.context = parser.isSet("context") ? parseInteger(parser, "context") : defaultContext(model);
    if (parser.isSet("batch"))
        request.settings.batch = parseInteger(parser, "batch");
    if (parser.isSet("dtype"))
        request.settings.dataType = kv::parseDataType(parser.value("dtype").toStdString());
    if (parser.isSet("kv-heads")) {
        // The calculator checks that it divides the heads; beyond int's range it cannot.
        const std::int64_t kvHeads = parseInteger(parser, "kv-heads");
        request.settings.kvHeads = static_cast<int>(std::clamp<std::int64_t>(kvHeads, INT_MIN, INT_MAX));
    }
    if (parser.isSet("gpu"))
        request.gpu = kv::GpuPreset::get(parser.value("gpu").toStdString());
}

QString choices(const std::vector<std::string>& names)
{
    return QString::fromStdString(kv::joinNames(names));
}

void addOptions(QCommandLineParser& parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "kvcache-lab --memory PRESET [options]: the KV cache memory of a real model's shape."));
    parser.addPositionalArgument(QStringLiteral("PRESET"), QStringLiteral("A model preset, or \"list\" to see them."));
    parser.addOptions({
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")},
        {QStringLiteral("context"), QStringLiteral("Tokens per sequence (default 4096, or the model's maximum)."), QStringLiteral("N")},
        {QStringLiteral("batch"), QStringLiteral("Sequences decoded together (default 1)."), QStringLiteral("B")},
        {QStringLiteral("dtype"), QStringLiteral("Cache and weights dtype: %1 (default fp16).").arg(choices(kv::dataTypeNames())), QStringLiteral("D")},
        {QStringLiteral("kv-heads"), QStringLiteral("What if the model had K KV heads (must divide its heads)."), QStringLiteral("K")},
        {QStringLiteral("gpu"), QStringLiteral("Split a GPU's memory: %1.").arg(choices(kv::GpuPreset::names())), QStringLiteral("NAME")},
    });
}

MemoryRequest parseRequest(const QStringList& arguments)
{
    QCommandLineParser parser;
    addOptions(parser);
    MemoryRequest request;
    // parse() expects the program name first.
    if (!parser.parse(QStringList{QStringLiteral("kvcache-lab --memory")} + arguments))
        throw UsageError(parser.errorText().toStdString());
    request.help = parser.isSet("help");
    request.helpText = CommandLine::helpText(parser, CommandLine::programName() + QStringLiteral(" --memory [options] PRESET"));
    if (request.help)
        return request;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        throw UsageError("give one model preset (or \"list\"); known presets: "
                         + kv::joinNames(kv::ModelPresets::names()));
    request.list = positional.constFirst().compare(QStringLiteral("list"), Qt::CaseInsensitive) == 0;
    if (request.list)
        return request;
    request.model = kv::ModelPresets::get(positional.constFirst().toStdString());
    readSettings(parser, *request.model, request);
    return request;
}

std::string shapeSummary(const kv::ModelPreset& model)
{
    std::string shape = std::to_string(model.layers) + " layers, ";
    if (model.attention == kv::AttentionKind::LatentMla)
        shape += std::to_string(model.latentElements()) + "-element latent per token";
    else
        shape += std::to_string(model.heads) + " heads, " + std::to_string(model.kvHeads) + " KV heads x "
            + std::to_string(model.headDim) + " head_dim";
    return shape + ", hidden " + std::to_string(model.hiddenSize) + ", " + kv::groupDigits(model.parameters)
        + " parameters, context " + std::to_string(model.maxContext);
}

void printPresetList(std::ostream& out)
{
    for (const kv::ModelPreset& model : kv::ModelPresets::all())
        out << model.name << ": " << model.attentionName() << ", " << shapeSummary(model) << "\n";
}

std::string percent(double share)
{
    std::ostringstream text;
    text << std::fixed << std::setprecision(2) << share * 100.0;
    return text.str();
}

void printCache(const kv::MemoryCalculator& calculator, std::ostream& out)
{
    const kv::ModelPreset& model = calculator.model();
    const kv::MemorySettings& settings = calculator.settings();
    out << "preset: " << model.name << " (" << model.attentionName() << "; " << shapeSummary(model) << ")\n"
        << "source: " << model.source << "\n"
        << "dtype: " << kv::dataTypeName(settings.dataType) << " (" << kv::bytesPerElementText(settings.dataType)
        << " per element)\n"
        << "context: " << settings.context << "\n"
        << "batch: " << settings.batch << "\n"
        << "cached_tokens: " << calculator.cachedTokens() << "\n"
        << "bytes_per_token: " << calculator.bytesPerToken() << "\n"
        << "total_bytes: " << calculator.totalBytes() << "\n"
        << "formula: " << calculator.formula() << "\n";
    for (const std::string& note : calculator.notes())
        out << "note: " << note << "\n";
}

void printGpu(const kv::MemoryCalculator& calculator, const kv::GpuPreset& gpu, std::ostream& out)
{
    const kv::MemoryCalculator::GpuSplit split = calculator.split(gpu);
    const std::int64_t batch = calculator.settings().batch;
    const std::int64_t maxTokens = calculator.maxTokensThatFit(gpu, batch);
    const std::optional<std::int64_t> window = calculator.model().slidingWindow;
    out << "gpu: " << gpu.name << " (" << kv::groupDigits(gpu.bytes) << " B, 1 GB = 10^9 B)\n"
        << "gpu_bytes: " << split.gpuBytes << "\n"
        << "weights_bytes: " << split.weightsBytes << "\n"
        << "weights_share_percent: " << percent(split.weightsShare()) << "\n"
        << "cache_share_percent: " << percent(split.cacheShare()) << "\n"
        << "left_bytes: " << split.leftBytes << "\n"
        << "fits: " << (split.fits() ? "yes" : "no") << "\n"
        << "max_tokens_that_fit: " << maxTokens << "\n"
        << "note: weights in " << kv::dataTypeName(calculator.settings().dataType)
        << " like the cache; max_tokens_that_fit is per sequence at batch " << batch
        << ", what is left is for activations and the runtime\n";
    if (window && maxTokens >= *window)
        out << "note: the sliding window caps the cache at " << *window
            << " tokens per sequence, and they fit: any context does\n";
}

} // namespace

int runMemoryCommand(const QStringList& arguments, std::ostream& out, std::ostream& err)
{
    try {
        const MemoryRequest request = parseRequest(arguments);
        if (request.help) {
            out << request.helpText.toStdString();
            return 0;
        }
        if (request.list) {
            printPresetList(out);
            return 0;
        }
        const kv::MemoryCalculator calculator(*request.model, request.settings);
        printCache(calculator, out);
        if (request.gpu)
            printGpu(calculator, *request.gpu, out);
        return 0;
    } catch (const kv::KvError& error) {
        err << "kvcache-lab --memory: " << error.what() << "\n";
        return 2;
    }
}

} // namespace kvlab
