#pragma once

#include <QString>

#include <cstdint>
#include <string>

namespace kvlab {

// "1,342,177,280 B"
QString exactBytes(std::int64_t bytes);
// The same size read two ways, decimal as GPUs are sold and binary as
// memory is addressed: "1.34 GB = 1.25 GiB"; "512 B" below a kilobyte.
QString roundedBytes(std::int64_t bytes);
// "1.34 GB": decimal only, the unit GPUs are sold in.
QString decimalBytes(std::int64_t bytes);
// "1,342,177,280 B (1.34 GB = 1.25 GiB)"
QString bytesText(std::int64_t bytes);
// A GPU preset's name as people write it: "A100-40GB" -> "A100 40 GB".
QString gpuLabel(const std::string& name);

} // namespace kvlab
