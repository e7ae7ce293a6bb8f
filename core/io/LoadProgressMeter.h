#pragma once

#include "core/io/LoadOptions.h"

#include <cstdint>
#include <functional>
#include <string>

namespace kv {

// Counts the tensor bytes a load has read or converted against the total it
// will read, and tells LoadOptions::onProgress after each step; when that
// answers false, throws LoadCancelled naming the file being loaded. Without
// a callback it only counts.
class LoadProgressMeter {
public:
    LoadProgressMeter(std::function<bool(const LoadProgress&)> onProgress, std::string file, std::uint64_t bytesTotal);

    // Reports where the load stands (0 of the total before the first tensor).
    void report() const;
    // Adds `bytes` done (never past the total) and reports.
    void advance(std::uint64_t bytes);

    const LoadProgress& progress() const { return m_progress; }

private:
    std::function<bool(const LoadProgress&)> m_onProgress;
    std::string m_file;
    LoadProgress m_progress;
};

} // namespace kv
