#include "core/io/FolderFiles.h"

namespace kv {

bool isRegularFile(const std::filesystem::path& path)
{
    std::error_code error;
    return std::filesystem::is_regular_file(path, error);
}

bool holdsSafetensors(const std::filesystem::path& folder)
{
    return isRegularFile(folder / "model.safetensors") || isRegularFile(folder / "model.safetensors.index.json");
}

} // namespace kv
