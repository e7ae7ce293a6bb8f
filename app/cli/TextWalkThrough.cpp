#include "app/cli/TextWalkThrough.h"

#include "app/window/AssetLocator.h"
#include "core/util/KvError.h"
#include "core/io/ModelBundle.h"
#include "core/util/NumberFormat.h"
#include "core/lab/WalkThrough.h"

#include <algorithm>
#include <iomanip>
#include <numeric>
#include <sstream>

namespace kvlab {

namespace {

std::string describeModel(const kv::ModelConfig& config)
{
    std::ostringstream out;
    out << config.name << " (" << kv::familyName(config.family) << ", " << config.nLayer << " layers, d=" << config.nEmbd
        << ", " << config.nHead << " heads, " << config.nKvHead << " KV heads, head_dim " << config.headDim()
        << ", context " << config.nPositions << ", vocab " << config.vocabSize << ")";
    return out.str();
}

std::string describeSampling(const kv::SamplingSettings& sampling)
{
    if (sampling.greedy())
        return "greedy";
    std::ostringstream out;
    out << "temperature " << sampling.temperature << ", top-k " << sampling.topK << ", top-p " << sampling.topP
        << ", seed " << sampling.seed;
    return out.str();
}

// The tokens new this step with their positions, e.g. "beautiful@3".
std::string newInputs(const kv::StepRecord& step, const kv::Tokenizer& tokenizer)
{
    std::string text;
    for (std::size_t i = static_cast<std::size_t>(step.firstNewInput); i < step.inputTokens.size(); ++i)
        text += (text.empty() ? "" : " ") + tokenizer.token(step.inputTokens[i]) + "@" + std::to_string(step.positions[i]);
    return text;
}

// Three decimals, or two significant digits below 0.001: a drawn token never reads "p=0.000".
std::string probabilityText(double p)
{
    std::ostringstream out;
    if (p >= 0.001 || p <= 0.0)
        out << std::fixed << std::setprecision(3) << p;
    else
        out << std::scientific << std::setprecision(1) << p;
    return out.str();
}

// The drawn token, its probability in the distribution it was drawn from
// (greedy: the model's own), and that distribution's three most likely
// tokens, e.g. "car p=0.873 [car .873, truck .051, a .010]".
std::string nextToken(const kv::StepRecord& step, const kv::Tokenizer& tokenizer)
{
    const kv::SampledDistribution& drawn = step.sampled;
    const std::vector<float>& shown = drawn.greedy() ? drawn.modelProbability : drawn.drawProbability;
    std::ostringstream out;
    out << std::fixed << std::setprecision(3);
    out << tokenizer.token(step.chosenToken) << " p="
        << probabilityText(drawn.greedy() ? drawn.chosenModelProbability : drawn.chosenDrawProbability) << " [";
    for (std::size_t i = 0; i < std::min<std::size_t>(3, drawn.tokens.size()); ++i)
        out << (i ? ", " : "") << tokenizer.token(drawn.tokens[i]) << " " << shown[i];
    out << "]";
    if (!drawn.greedy() && drawn.filtered())
        out << " " << drawn.kept << "/" << drawn.vocabulary << " kept";
    return out.str();
}

void printStep(std::ostream& out, const kv::WalkThrough& run, std::size_t index, const kv::Tokenizer& tokenizer)
{
    const kv::StepRecord& uncached = run.uncached.steps[index];
    const kv::StepRecord& cached = run.cached.steps[index];
    std::ostringstream diff;
    diff << std::scientific << std::setprecision(1) << run.maxAbsLogitDiff[index];
    out << "step " << std::setw(2) << index << "  " << (cached.prefill ? "prefill" : "decode ") << "  in: "
        << std::left << std::setw(14) << newInputs(cached, tokenizer) << std::right
        << "  next: " << std::left << std::setw(48) << nextToken(cached, tokenizer) << std::right
        << "  MACs without: " << std::setw(9) << kv::groupDigits(uncached.cost.macs.total()) << " (total "
        << std::setw(9) << kv::groupDigits(run.uncached.totalMacs(index).total()) << ")"
        << "  with: " << std::setw(7) << kv::groupDigits(cached.cost.macs.total()) << " (total " << std::setw(9)
        << kv::groupDigits(run.cached.totalMacs(index).total()) << ")"
        << "  KV bytes: " << std::setw(6) << kv::groupDigits(cached.cost.kvBytes) << "  max|dlogit|: " << diff.str()
        << "\n";
}

void printSummary(std::ostream& out, const kv::WalkThrough& run)
{
    const std::size_t last = run.stepCount() - 1;
    const auto without = run.uncached.totalMacs(last).total();
    const auto with = run.cached.totalMacs(last).total();
    std::ostringstream ratio;
    ratio << std::fixed << std::setprecision(2) << static_cast<double>(without) / static_cast<double>(with);
    std::ostringstream worst;
    worst << std::scientific << std::setprecision(1) << run.worstLogitDiff();
    out << "total multiply-adds: without cache " << kv::groupDigits(without) << ", with cache " << kv::groupDigits(with)
        << " (" << ratio.str() << "x less work with the cache)\n";
    out << "both paths chose the same tokens: " << (run.sameTokens() ? "yes" : "NO") << " (max |dlogit| "
        << worst.str() << ")\n";
}

// The prompt's ids: --prompt's, else the model's default prompt.
std::vector<int> promptIds(const CliOptions& options, const kv::Tokenizer& tokenizer)
{
    const QString text = options.promptGiven ? options.prompt : CliOptions::defaultPrompt(tokenizer);
    std::vector<int> ids = tokenizer.encode(text.toStdString());
    if (ids.empty())
        throw kv::KvError("the prompt is empty; give at least one word, e.g. --prompt \"I\"");
    return ids;
}

} // namespace

int runTextWalkThrough(const CliOptions& options, std::ostream& out, std::ostream& err)
{
    const std::string modelDir =
        (options.modelDir.isEmpty() ? AssetLocator::defaultModelDir() : options.modelDir).toStdString();
    try {
        const kv::ModelBundle bundle = kv::ModelBundle::load(modelDir, {options.tokenizerPath.toStdString()});
        const std::vector<int> prompt = promptIds(options, *bundle.tokenizer);
        kv::GenerationSettings settings;
        settings.maxNewTokens = options.maxNewTokens;
        settings.sampling = options.sampling;
        const kv::WalkThrough run = kv::runWalkThrough(*bundle.model, prompt, settings, bundle.tokenizer->eosId());

        out << "model: " << describeModel(bundle.config()) << "\n";
        out << "prompt: " << bundle.tokenizer->decode(prompt) << "   sampling: " << describeSampling(options.sampling)
            << "\n";
        if (!options.sampling.greedy())
            out << "next: the drawn token, its p in the distribution it was drawn from (after temperature, top-k, "
                   "top-p), that distribution's top 3, and how many tokens the filters kept\n";
        for (std::size_t i = 0; i < run.stepCount(); ++i)
            printStep(out, run, i, *bundle.tokenizer);
        printSummary(out, run);
        std::vector<int> all = prompt;
        const auto generated = run.cached.generated();
        all.insert(all.end(), generated.begin(), generated.end());
        out << "generated: " << bundle.tokenizer->decode(all) << "\n";
        std::string idList; // the whole final sequence, prompt included, as --tokenize prints ids
        for (std::size_t i = 0; i < all.size(); ++i)
            idList += (i ? "," : "") + std::to_string(all[i]);
        out << "ids: " << idList << "\n";
        return 0;
    } catch (const kv::KvError& error) {
        err << "kvcache-lab: " << error.what() << "\n";
        return 2;
    } catch (const std::exception& error) {
        err << "kvcache-lab: unexpected error: " << error.what() << "\n";
        return 2;
    }
}

} // namespace kvlab
