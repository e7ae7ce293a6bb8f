// kvlab-make-model: writes a model folder of any GPT-2 shape with random
// weights and the shipped vocabulary, for tests and screenshots at scale.

#include "core/util/KvError.h"
#include "core/io/ModelFolderWriter.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>

namespace {

const char* const kUsage =
    "usage: kvlab-make-model OUT_DIR --layers N --embd D --heads H [--kv-heads N] [--context 256] [--seed 1]\n"
    "                        [--vocab " KVLAB_DEFAULT_VOCAB "] [--name NAME] [--scale S]\n"
    "Writes config.json, model.safetensors (random GPT-2 weights, standard deviation S,\n"
    "by default sqrt(3 / D)) and vocab.txt into OUT_DIR; open it with kvcache-lab --model OUT_DIR.\n";

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Options {
    std::string outDir;
    std::map<std::string, std::string> values; // option name without "--" -> its argument
};

Options parse(int argc, char** argv)
{
    static const char* const known[] = {"layers", "embd", "heads", "kv-heads", "context", "seed", "vocab", "name", "scale"};
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        if (!argument.starts_with("--")) {
            if (!options.outDir.empty())
                throw UsageError("unexpected argument \"" + argument + "\" (OUT_DIR is already " + options.outDir + ")");
            options.outDir = argument;
            continue;
        }
        const std::string name = argument.substr(2);
        if (std::find(std::begin(known), std::end(known), name) == std::end(known))
            throw UsageError("unknown option " + argument);
        if (i + 1 >= argc)
            throw UsageError(argument + " needs a value");
        options.values[name] = argv[++i];
    }
    if (options.outDir.empty())
        throw UsageError("missing OUT_DIR");
    return options;
}

long long number(const Options& options, const std::string& name, long long fallback, long long smallest)
{
    const auto found = options.values.find(name);
    if (found == options.values.end()) {
        if (fallback < smallest)
            throw UsageError("missing --" + name);
        return fallback;
    }
    std::size_t used = 0;
    long long value = 0;
    try {
        value = std::stoll(found->second, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != found->second.size() || used == 0 || value < smallest)
        throw UsageError("--" + name + " must be an integer of at least " + std::to_string(smallest) + ", got \""
                         + found->second + "\"");
    return value;
}

float scale(const Options& options, int embd)
{
    const auto found = options.values.find("scale");
    if (found == options.values.end())
        return kv::ModelFolderWriter::defaultScale(embd);
    std::size_t used = 0;
    float value = 0.0f;
    try {
        value = std::stof(found->second, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != found->second.size() || !(value > 0.0f))
        throw UsageError("--scale must be a positive number, got \"" + found->second + "\"");
    return value;
}

std::string text(const Options& options, const std::string& name, const std::string& fallback)
{
    const auto found = options.values.find(name);
    return found == options.values.end() ? fallback : found->second;
}

int run(int argc, char** argv)
{
    const Options options = parse(argc, argv);
    kv::ModelConfig shape;
    shape.nLayer = static_cast<int>(number(options, "layers", 0, 1));
    shape.nEmbd = static_cast<int>(number(options, "embd", 0, 1));
    shape.nHead = static_cast<int>(number(options, "heads", 0, 1));
    shape.nKvHead = static_cast<int>(number(options, "kv-heads", shape.nHead, 1));
    shape.nPositions = static_cast<int>(number(options, "context", 256, 1));
    shape.name = text(options, "name", "");
    const auto seed = static_cast<std::uint64_t>(number(options, "seed", 1, 0));
    const float weightScale = scale(options, shape.nEmbd);
    const std::string vocabulary = text(options, "vocab", KVLAB_DEFAULT_VOCAB);

    const auto began = std::chrono::steady_clock::now();
    const kv::ModelConfig written = kv::ModelFolderWriter::writeRandom(options.outDir, shape, vocabulary, seed, weightScale);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    const auto bytes = std::filesystem::file_size(std::filesystem::path(options.outDir) / "model.safetensors");
    std::cout << "wrote " << options.outDir << ": " << written.name << ", " << written.nLayer << " layers, d="
              << written.nEmbd << ", " << written.nHead << " heads, " << written.nKvHead << " KV heads, context "
              << written.nPositions << ", vocabulary " << written.vocabSize << ", scale " << weightScale << "; "
              << bytes / 1000000.0 << " MB of weights in " << seconds << " s\n";
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
            std::cout << kUsage;
            return 0;
        }
    }
    try {
        return run(argc, argv);
    } catch (const UsageError& error) {
        std::cerr << "kvlab-make-model: " << error.what() << " (--help for usage)\n";
        return 2;
    } catch (const kv::KvError& error) {
        std::cerr << "kvlab-make-model: " << error.what() << '\n';
        return 2;
    }
}
