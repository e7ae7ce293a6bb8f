#pragma once

#include "KvError.h"

namespace kv {

// A model file that cannot be used: missing, truncated, malformed, or with
// tensors of the wrong name, dtype or shape. `file()` is the path at fault.
class LoadError : public KvError {
public:
    LoadError(std::string file, const std::string& problem)
        : KvError(file + ": " + problem), m_file(std::move(file)) {}
    const std::string& file() const { return m_file; }

private:
    std::string m_file;
};

} // namespace kv
