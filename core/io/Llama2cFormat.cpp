#include "core/io/Llama2cFormat.h"

#include "core/io/Llama2cCheckpoint.h"
#include "core/io/LoadError.h"
#include "core/tokenizer/IdTokenizer.h"
#include "core/tokenizer/Llama2cTokenizer.h"
#include "core/util/NumberFormat.h"

#include <filesystem>

namespace kv {

ModelConfig Llama2cFormat::configFor(const Llama2cHeader& header, const std::string& name, const std::string& source)
{
    try {
        ModelConfig config = ModelConfig::llama(name, header.nLayers, header.dim, header.nHeads, header.nKvHeads,
                                                header.seqLen, header.vocabSize, header.hiddenDim);
        config.tiedClassifier = header.sharedClassifier;
        config.normEps = Llama2cCheckpoint::kNormEps;
        config.ropeTheta = Llama2cCheckpoint::kRopeTheta;
        config.ropeLayout = RopeLayout::Interleaved;
        return config;
    } catch (const LoadError& error) {
        throw LoadError(source, error.problem());
    }
}

std::shared_ptr<const Tokenizer> Llama2cFormat::tokenizerFor(const std::string& checkpointPath,
                                                             const std::string& tokenizerPath, int vocabSize)
{
    if (!tokenizerPath.empty()) {
        auto tokenizer = std::make_shared<const Llama2cTokenizer>(Llama2cTokenizer::fromFile(tokenizerPath));
        if (tokenizer->size() != vocabSize)
            throw LoadError(tokenizerPath, "holds " + groupDigits(tokenizer->size()) + " tokens but the checkpoint "
                                               + checkpointPath + " has a vocabulary of " + groupDigits(vocabSize)
                                               + ": they do not belong together");
        return tokenizer;
    }
    // The file beside the checkpoint is a guess: it serves only when its vocabulary is the model's.
    const std::filesystem::path beside = std::filesystem::path(checkpointPath).parent_path() / kTokenizerFileName;
    std::error_code error;
    if (std::filesystem::is_regular_file(beside, error)) {
        auto tokenizer = std::make_shared<const Llama2cTokenizer>(Llama2cTokenizer::fromFile(beside.string()));
        if (tokenizer->size() == vocabSize)
            return tokenizer;
    }
    return std::make_shared<const IdTokenizer>(vocabSize, Llama2cTokenizer::kBosId, Llama2cTokenizer::kEosId);
}

} // namespace kv
