#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kv {

// The models a Hugging Face hub cache holds: its folders
// models--ORG--NAME/snapshots/<hash>/ (the snapshot refs/main names, else the
// newest), each described from its config.json and safetensors headers only,
// never the tensor data. A broken entry is listed with its error, never thrown.
class HubCache {
public:
    struct Entry {
        std::string repoId;       // "ORG/NAME" (or "NAME" for a model without an org)
        std::string folder;       // the snapshot folder
        std::string modelType;    // config.json's model_type, empty when unread
        std::string family;       // "GPT-2", "Llama", "Qwen2", or empty when unknown
        std::int64_t parameters = 0;    // summed over the safetensors headers
        std::uintmax_t bytesOnDisk = 0; // the snapshot's files, through its symlinks
        bool supported = false;
        std::string reason;       // why it is not supported, in words
    };

    // HF_HUB_CACHE, else HF_HOME/hub, else HOME/.cache/huggingface/hub (null: unset).
    static std::string rootFrom(const char* hubCache, const char* hfHome, const char* home);
    // rootFrom() on this process's environment.
    static std::string root();

    // The cache's models by repo id; supported ones are those the family check
    // passes and a format of CheckpointFormats supports (mismatch() empty).
    static std::vector<Entry> scan(const std::string& root);

    // The snapshot of a models--ORG--NAME folder, or empty when it has none.
    static std::string snapshotOf(const std::string& repoFolder);
    // The lab's display name of a model_type ("gpt2" -> "GPT-2"), empty if unknown.
    static std::string familyOf(const std::string& modelType);
    // "models--ORG--NAME" -> "ORG/NAME"; empty when it is not a model folder.
    static std::string repoIdOf(const std::string& folderName);
    // A file's bytes, or those of the files under a folder, each blob the
    // cache's symlinks point to counted once; 0 when it cannot be read.
    static std::uintmax_t bytesOnDisk(const std::string& path);

private:
    static Entry describe(const std::string& repoId, const std::string& snapshot);
    static void readWeights(Entry& entry);
    static void judge(Entry& entry);
};

} // namespace kv
