#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kvtest {

// One model in a Hugging Face hub cache laid out as huggingface_hub does:
// ROOT/models--ORG--NAME/blobs/ holds the files, named by hash; the snapshot
// folder holds relative symlinks to them; refs/main names the snapshot.
class FakeHubRepo {
public:
    FakeHubRepo(const std::filesystem::path& root, const std::string& folderName, const std::string& snapshot);
    void setMain(const std::string& hash);
    void addText(const std::string& name, const std::string& text);
    // An F32 safetensors file whose tensors have these shapes (zeros as data).
    void addWeights(const std::string& name, const std::map<std::string, std::vector<std::int64_t>>& shapes);
    std::uintmax_t blobBytes() const;
    std::filesystem::path snapshot() const { return m_snapshot; }

    static void writeText(const std::filesystem::path& path, const std::string& text);

private:
    std::filesystem::path blob(const std::string& name) const;
    void link(const std::string& name);

    std::filesystem::path m_repo;
    std::filesystem::path m_snapshot;
};

} // namespace kvtest
