#include "core/io/HubCache.h"

#include "core/io/CheckpointFormats.h"
#include "core/io/LoadError.h"
#include "core/io/SafetensorsFile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string_view>

namespace kv {

namespace fs = std::filesystem;

namespace {

const std::vector<std::pair<std::string, std::string>>& knownFamilies()
{
    static const std::vector<std::pair<std::string, std::string>> families = {
        {"gpt2", "GPT-2"}, {"llama", "Llama"}, {"qwen2", "Qwen2"}};
    return families;
}

std::string knownTypes()
{
    std::string list;
    for (const auto& [type, family] : knownFamilies())
        list += (list.empty() ? "" : ", ") + type;
    return list;
}

nlohmann::json readJson(const fs::path& path, std::string_view what)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw LoadError(path.string(), "cannot open file");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        throw LoadError::invalidJson(path.string(), what, text, error.byte);
    }
}

std::int64_t parametersOf(const fs::path& file)
{
    std::int64_t count = 0;
    for (const auto& tensor : SafetensorsFile::readHeader(file.string()))
        count += tensor.second.elementCount();
    return count;
}

} // namespace

std::string HubCache::rootFrom(const char* hubCache, const char* hfHome, const char* home)
{
    if (hubCache && *hubCache)
        return hubCache;
    if (hfHome && *hfHome)
        return (fs::path(hfHome) / "hub").string();
    return (fs::path(home ? home : "") / ".cache" / "huggingface" / "hub").string();
}

std::string HubCache::root()
{
    return rootFrom(std::getenv("HF_HUB_CACHE"), std::getenv("HF_HOME"), std::getenv("HOME"));
}

std::string HubCache::familyOf(const std::string& modelType)
{
    for (const auto& [type, family] : knownFamilies())
        if (type == modelType)
            return family;
    return {};
}

std::string HubCache::snapshotOf(const std::string& repoFolder)
{
    const fs::path snapshots = fs::path(repoFolder) / "snapshots";
    std::error_code error;
    std::ifstream ref(fs::path(repoFolder) / "refs" / "main");
    std::string hash;
    if (ref && std::getline(ref, hash) && !hash.empty() && fs::is_directory(snapshots / hash, error))
        return (snapshots / hash).string();
    fs::path newest;
    fs::file_time_type newestTime;
    for (const auto& item : fs::directory_iterator(snapshots, error)) {
        const auto time = item.last_write_time(error);
        if (item.is_directory(error) && (newest.empty() || time > newestTime)) {
            newest = item.path();
            newestTime = time;
        }
    }
    return newest.string();
}

std::vector<HubCache::Entry> HubCache::scan(const std::string& root)
{
    std::vector<Entry> entries;
    std::error_code error;
    for (const auto& item : fs::directory_iterator(root, error)) {
        const std::string repoId = HubCache::repoIdOf(item.path().filename().string());
        if (repoId.empty() || !item.is_directory(error))
            continue;
        const std::string snapshot = snapshotOf(item.path().string());
        if (snapshot.empty()) {
            entries.push_back(Entry{repoId, item.path().string(), {}, {}, 0, 0, false, "no snapshot downloaded"});
            continue;
        }
        entries.push_back(describe(repoId, snapshot));
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.repoId < b.repoId; });
    return entries;
}

HubCache::Entry HubCache::describe(const std::string& repoId, const std::string& snapshot)
{
    Entry entry;
    entry.repoId = repoId;
    entry.folder = snapshot;
    try {
        entry.bytesOnDisk = bytesOnDisk(snapshot);
        const nlohmann::json config = readJson(fs::path(snapshot) / "config.json", "config.json");
        if (config.is_object() && config.contains("model_type") && config["model_type"].is_string())
            entry.modelType = config["model_type"].get<std::string>();
        entry.family = familyOf(entry.modelType);
        readWeights(entry);
        if (entry.reason.empty() && entry.family.empty())
            entry.reason = entry.modelType.empty()
                ? "config.json names no model_type"
                : "model_type " + entry.modelType + " is not a decoder the lab knows (" + knownTypes() + ")";
        const auto scaling = config.is_object() ? config.find("rope_scaling") : config.end();
        if (entry.reason.empty() && scaling != config.end() && !scaling->is_null()) {
            const auto kind = scaling->is_object() ? scaling->value("rope_type", scaling->value("type", "")) : "";
            entry.reason = "rope_scaling: " + (kind.empty() ? scaling->dump() : kind) + " is not supported";
        }
        if (entry.reason.empty())
            judge(entry);
    } catch (const KvError& error) {
        entry.reason = error.what();
    } catch (const nlohmann::json::exception&) {
        entry.reason = "config.json holds a value of the wrong kind";
    } catch (const fs::filesystem_error& error) {
        entry.reason = error.path1().string() + ": cannot be read: " + error.code().message();
    }
    entry.supported = entry.reason.empty();
    return entry;
}

void HubCache::readWeights(Entry& entry)
{
    const fs::path folder(entry.folder);
    std::error_code error;
    if (fs::exists(folder / "model.safetensors", error)) {
        entry.parameters = parametersOf(folder / "model.safetensors");
        return;
    }
    const fs::path index = folder / "model.safetensors.index.json";
    if (fs::exists(index, error)) {
        const nlohmann::json map = readJson(index, "the index");
        std::set<std::string> shards;
        for (const auto& [tensor, shard] : map.at("weight_map").items())
            shards.insert(shard.get<std::string>());
        for (const std::string& shard : shards)
            entry.parameters += parametersOf(folder / fs::path(shard).filename());
        return;
    }
    entry.reason = fs::exists(folder / "pytorch_model.bin", error)
        ? "no model.safetensors: .bin PyTorch pickles are not read"
        : "no model.safetensors";
}

void HubCache::judge(Entry& entry)
{
    std::string reasons;
    for (const auto& format : CheckpointFormats::all()) {
        const std::string mismatch = format->mismatch(entry.folder);
        if (mismatch.empty())
            return;
        reasons += (reasons.empty() ? "" : "; ") + format->name() + ": " + mismatch;
    }
    entry.reason = "no format of the lab opens it (" + reasons + ")";
}

std::string HubCache::repoIdOf(const std::string& folderName)
{
    const std::string prefix = "models--";
    if (!folderName.starts_with(prefix))
        return {};
    std::string id = folderName.substr(prefix.size());
    const auto split = id.find("--");
    if (split != std::string::npos)
        id.replace(split, 2, "/");
    return id;
}

std::uintmax_t HubCache::bytesOnDisk(const std::string& path)
{
    std::error_code error;
    if (!fs::is_directory(path, error)) {
        const std::uintmax_t bytes = fs::file_size(path, error);
        return error ? 0 : bytes;
    }
    std::set<fs::path> seen;
    std::uintmax_t bytes = 0;
    for (fs::recursive_directory_iterator item(path, error), end; !error && item != end; item.increment(error)) {
        std::error_code unreadable;
        const fs::path target = fs::canonical(item->path(), unreadable);
        if (unreadable || !fs::is_regular_file(target, unreadable) || !seen.insert(target).second)
            continue;
        const std::uintmax_t size = fs::file_size(target, unreadable);
        bytes += unreadable ? 0 : size;
    }
    return bytes;
}

} // namespace kv
