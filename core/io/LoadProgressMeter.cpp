#include "core/io/LoadProgressMeter.h"

#include "core/io/LoadCancelled.h"

#include <algorithm>

namespace kv {

LoadProgressMeter::LoadProgressMeter(std::function<bool(const LoadProgress&)> onProgress, std::string file,
                                     std::uint64_t bytesTotal)
    : m_onProgress(std::move(onProgress))
    , m_file(std::move(file))
    , m_progress{0, bytesTotal}
{
}

void LoadProgressMeter::report() const
{
    if (m_onProgress && !m_onProgress(m_progress))
        throw LoadCancelled(m_file);
}

void LoadProgressMeter::advance(std::uint64_t bytes)
{
    m_progress.bytesDone = std::min(m_progress.bytesTotal, m_progress.bytesDone + bytes);
    report();
}

} // namespace kv
