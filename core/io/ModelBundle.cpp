#include "core/io/ModelBundle.h"

#include "core/io/CheckpointFormats.h"

namespace kv {

ModelBundle ModelBundle::load(const std::string& path)
{
    return CheckpointFormats::load(path);
}

} // namespace kv
