#pragma once

#include "core/util/KvError.h"

#include <string>

namespace kv {

// The load was stopped by its LoadOptions::onProgress returning false: not a
// fault of the file, so it is not a LoadError; the caller keeps what it had.
class LoadCancelled : public KvError {
public:
    explicit LoadCancelled(const std::string& file) : KvError(file + ": loading was cancelled"), m_file(file) {}
    const std::string& file() const { return m_file; }

private:
    std::string m_file;
};

} // namespace kv
