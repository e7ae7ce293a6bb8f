#include "core/io/CheckpointFormats.h"

#include "core/io/HuggingFaceFolderFormat.h"
#include "core/io/Llama2cBinFormat.h"
#include "core/io/LoadError.h"
#include "core/io/ModelFolderFormat.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <new>
#include <stdexcept>

namespace kv {

const std::vector<std::unique_ptr<const CheckpointFormat>>& CheckpointFormats::all()
{
    static const std::vector<std::unique_ptr<const CheckpointFormat>> formats = [] {
        std::vector<std::unique_ptr<const CheckpointFormat>> list;
        list.push_back(std::make_unique<HuggingFaceFolderFormat>()); // config.json names a model_type
        list.push_back(std::make_unique<ModelFolderFormat>());
        list.push_back(std::make_unique<Llama2cBinFormat>());
        return list;
    }();
    return formats;
}

const CheckpointFormat& CheckpointFormats::find(const std::string& path)
{
    std::error_code error;
    if (!std::filesystem::exists(path, error))
        throw LoadError(path, error && error != std::errc::no_such_file_or_directory
                                  ? "cannot be read: " + error.message()
                                  : "model folder not found");
    std::string reasons;
    for (const auto& format : all()) {
        const std::string mismatch = format->mismatch(path);
        if (mismatch.empty())
            return *format;
        reasons += (reasons.empty() ? "" : "; or ") + format->expected() + " (" + format->name() + "), but "
            + mismatch;
    }
    throw LoadError(path, "is not a model this app can open: expected " + reasons);
}

ModelBundle CheckpointFormats::load(const std::string& path, const LoadOptions& options)
{
    try {
        const CheckpointFormat& format = find(path);
        if (!options.tokenizerPath.empty() && !format.takesTokenizerFile())
            throw LoadError(options.tokenizerPath, "a separate tokenizer file goes with a llama2.c .bin checkpoint only; "
                                                       + path + " is a " + format.name()
                                                       + ", which brings its own tokenizer");
        return format.load(path, options);
    } catch (const LoadError&) {
        throw;
    } catch (const nlohmann::json::exception&) {
        throw LoadError(path, "a file of the model holds a value of the wrong kind");
    } catch (const std::filesystem::filesystem_error& error) {
        throw LoadError(error.path1().empty() ? path : error.path1().string(),
                        "cannot be read: " + error.code().message());
    } catch (const std::bad_alloc&) {
        throw LoadError(path, "the model is too large to load into memory");
    } catch (const std::length_error&) {
        throw LoadError(path, "a size in the model is too large to allocate");
    }
}

} // namespace kv
