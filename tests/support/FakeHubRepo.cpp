#include "tests/support/FakeHubRepo.h"

#include "core/io/SafetensorsFile.h"

#include <fstream>

namespace kvtest {

namespace fs = std::filesystem;

FakeHubRepo::FakeHubRepo(const fs::path& root, const std::string& folderName, const std::string& snapshot)
    : m_repo(root / folderName), m_snapshot(m_repo / "snapshots" / snapshot)
{
    fs::create_directories(m_snapshot);
    fs::create_directories(m_repo / "blobs");
}

void FakeHubRepo::writeText(const fs::path& path, const std::string& text)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

void FakeHubRepo::setMain(const std::string& hash)
{
    writeText(m_repo / "refs" / "main", hash);
}

void FakeHubRepo::addText(const std::string& name, const std::string& text)
{
    writeText(blob(name), text);
    link(name);
}

void FakeHubRepo::addWeights(const std::string& name, const std::map<std::string, std::vector<std::int64_t>>& shapes)
{
    std::map<std::string, kv::SafetensorsFile::FloatTensor> tensors;
    for (const auto& [tensor, shape] : shapes) {
        std::int64_t count = 1;
        for (auto dim : shape)
            count *= dim;
        tensors[tensor] = {shape, std::vector<float>(static_cast<std::size_t>(count), 0.0f)};
    }
    kv::SafetensorsFile::write(blob(name).string(), tensors);
    link(name);
}

std::uintmax_t FakeHubRepo::blobBytes() const
{
    std::uintmax_t bytes = 0;
    for (const auto& item : fs::directory_iterator(m_repo / "blobs"))
        bytes += item.file_size();
    return bytes;
}

fs::path FakeHubRepo::blob(const std::string& name) const
{
    return m_repo / "blobs" / ("hash-of-" + name);
}

void FakeHubRepo::link(const std::string& name)
{
    fs::create_symlink(fs::path("..") / ".." / "blobs" / ("hash-of-" + name), m_snapshot / name);
}

} // namespace kvtest
