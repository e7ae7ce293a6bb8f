#include "core/io/HubCache.h"
#include "core/io/SafetensorsFile.h"
#include "tests/support/FakeHubRepo.h"

#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <filesystem>

using namespace kv;
using kvtest::FakeHubRepo;
namespace fs = std::filesystem;

namespace {

const HubCache::Entry* find(const std::vector<HubCache::Entry>& entries, const std::string& repoId)
{
    for (const auto& entry : entries)
        if (entry.repoId == repoId)
            return &entry;
    return nullptr;
}

} // namespace

class TestHubCache : public QObject {
    Q_OBJECT

private slots:
    void rootFollowsTheHubsEnvironmentOrder()
    {
        QCOMPARE(HubCache::rootFrom("/a/hub", "/b", "/home/u"), std::string("/a/hub"));
        QCOMPARE(HubCache::rootFrom(nullptr, "/b", "/home/u"), std::string("/b/hub"));
        QCOMPARE(HubCache::rootFrom("", "", "/home/u"), std::string("/home/u/.cache/huggingface/hub"));
    }

    void describesASupportedModelFromHeadersAndBlobs()
    {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        FakeHubRepo repo(root, "models--openai-community--gpt2", "abc123");
        repo.addText("config.json", R"({"model_type": "gpt2", "n_layer": 1})");
        repo.addText("vocab.txt", "a\nb\n");
        repo.addWeights("model.safetensors", {{"wte.weight", {10, 4}}, {"ln_f.bias", {4}}});
        repo.setMain("abc123");

        const auto entries = HubCache::scan(root.string());
        QCOMPARE(entries.size(), std::size_t(1));
        const HubCache::Entry& entry = entries.front();
        QCOMPARE(entry.repoId, std::string("openai-community/gpt2"));
        QCOMPARE(entry.modelType, std::string("gpt2"));
        QCOMPARE(entry.family, std::string("GPT-2"));
        QCOMPARE(entry.parameters, std::int64_t(10 * 4 + 4));
        QCOMPARE(entry.bytesOnDisk, repo.blobBytes());
        QVERIFY(entry.bytesOnDisk > 44 * 4);
        QVERIFY2(entry.supported, entry.reason.c_str());
        QCOMPARE(entry.folder, repo.snapshot().string());
    }

    void picksTheSnapshotRefsMainNamesElseTheNewest()
    {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        FakeHubRepo older(root, "models--org--m", "first");
        FakeHubRepo newer(root, "models--org--m", "second");
        // Timestamps are coarse on some file systems: make "first" plainly older.
        fs::last_write_time(older.snapshot(), fs::last_write_time(newer.snapshot()) - std::chrono::hours(1));
        QCOMPARE(fs::path(HubCache::snapshotOf((root / "models--org--m").string())).filename().string(),
                 std::string("second"));
        FakeHubRepo::writeText(root / "models--org--m" / "refs" / "main", "first\n");
        QCOMPARE(fs::path(HubCache::snapshotOf((root / "models--org--m").string())).filename().string(),
                 std::string("first"));
    }

    void listsUnsupportedAndBrokenEntriesWithTheirReason()
    {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        FakeHubRepo bert(root, "models--google--bert-tiny", "s");
        bert.addText("config.json", R"({"model_type": "bert"})");
        bert.addWeights("model.safetensors", {{"w", {2, 2}}});
        FakeHubRepo pickle(root, "models--org--pickled", "s");
        pickle.addText("config.json", R"({"model_type": "llama"})");
        pickle.addText("pytorch_model.bin", "not read");
        FakeHubRepo scaled(root, "models--meta--llama3", "s");
        scaled.addText("config.json", R"({"model_type": "llama", "rope_scaling": {"rope_type": "llama3", "factor": 8}})");
        scaled.addWeights("model.safetensors", {{"w", {3}}});
        FakeHubRepo broken(root, "models--org--broken", "s");
        broken.addText("config.json", "{\"model_type\": ");
        FakeHubRepo badHeader(root, "models--org--badheader", "s");
        badHeader.addText("config.json", R"({"model_type": "gpt2"})");
        badHeader.addText("model.safetensors", std::string("\xff\xff\xff\xff\xff\xff\x00\x00", 8) + "{}");
        fs::create_directories(root / "models--org--empty");
        fs::create_directories(root / "datasets--org--data" / "snapshots" / "s");

        const auto entries = HubCache::scan(root.string());
        QCOMPARE(entries.size(), std::size_t(6)); // the dataset is not a model
        for (const auto& entry : entries)
            QVERIFY2(!entry.supported && !entry.reason.empty(), entry.repoId.c_str());
        QCOMPARE(find(entries, "google/bert-tiny")->reason,
                 std::string("model_type bert is not a decoder the lab knows (gpt2, llama, qwen2)"));
        QCOMPARE(find(entries, "google/bert-tiny")->parameters, std::int64_t(4));
        QCOMPARE(find(entries, "org/pickled")->reason,
                 std::string("no model.safetensors: .bin PyTorch pickles are not read"));
        QCOMPARE(find(entries, "meta/llama3")->reason, std::string("rope_scaling: llama3 is not supported"));
        const std::string brokenReason = find(entries, "org/broken")->reason;
        QVERIFY2(brokenReason.find("config.json") != std::string::npos, brokenReason.c_str());
        const std::string headerReason = find(entries, "org/badheader")->reason;
        QVERIFY2(headerReason.find("header length") != std::string::npos, headerReason.c_str());
        QCOMPARE(find(entries, "org/empty")->reason, std::string("no snapshot downloaded"));
    }

    void aMissingCacheIsEmpty()
    {
        QVERIFY(HubCache::scan("/nonexistent/hub/cache").empty());
    }

    void headerOnlyReaderMatchesTheFullReader()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("w.safetensors").toStdString();
        SafetensorsFile::write(path, {{"a", {{3, 5}, std::vector<float>(15, 1.0f)}}, {"b", {{7}, std::vector<float>(7)}}});
        const auto header = SafetensorsFile::readHeader(path);
        const SafetensorsFile full = SafetensorsFile::read(path);
        QCOMPARE(header.size(), std::size_t(2));
        for (const auto& [name, info] : header) {
            QCOMPARE(info.begin, full.info(name).begin);
            QCOMPARE(info.end, full.info(name).end);
            QCOMPARE(info.shape, full.info(name).shape);
        }
        fs::resize_file(path, fs::file_size(path) - 4); // the data is now short: a range falls outside
        QVERIFY_THROWS_EXCEPTION(std::exception, SafetensorsFile::readHeader(path));
    }
};

QTEST_GUILESS_MAIN(TestHubCache)
#include "tst_hubcache.moc"
