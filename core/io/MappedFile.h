#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

namespace kv {

// A file mapped read-only into memory (POSIX mmap): its bytes are paged in
// as they are read and shared with the page cache, never copied. Neither
// copied nor moved: hold it by shared_ptr while any view of its bytes lives.
class MappedFile {
public:
    // Throws LoadError naming the path when it is not a readable regular file.
    static std::shared_ptr<const MappedFile> open(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::string& path() const { return m_path; }
    std::span<const std::byte> bytes() const { return {static_cast<const std::byte*>(m_data), m_size}; }
    // Drops the whole pages inside `range` (a part of bytes()) from this
    // process's memory; they stay valid and are read from the file again if
    // touched. A loader calls it once it has copied a tensor out, so the
    // mapped file and the copy are not both resident.
    void release(std::span<const std::byte> range) const;

private:
    MappedFile(std::string path, void* data, std::size_t size) : m_path(std::move(path)), m_data(data), m_size(size) {}

    std::string m_path;
    void* m_data = nullptr; // null for an empty file
    std::size_t m_size = 0;
};

} // namespace kv
