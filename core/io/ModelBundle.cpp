#include "core/io/ModelBundle.h"

#include "core/io/CheckpointFormats.h"

namespace kv {

ModelBundle ModelBundle::load(const std::string& path, const LoadOptions& options)
{
    return CheckpointFormats::load(path, options);
}

} // namespace kv
