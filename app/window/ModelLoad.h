#pragma once

#include "core/io/LoadOptions.h"
#include "core/io/ModelBundle.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace kvlab {

// One model loaded on a thread of its own, so that the window stays
// responsive while a large checkpoint is read and widened to float32. The
// loader reports its bytes through LoadOptions::onProgress; they reach the
// GUI thread as progressed(), coalesced: however often the loader reports,
// at most one report waits in the GUI thread's queue. Cancel stops the load
// at the loader's next report; whatever it would have loaded is dropped.
class ModelLoad : public QObject {
    Q_OBJECT

public:
    // kv::ModelBundle::load, or a test's stand-in. Runs on the loading thread.
    using Loader = std::function<kv::ModelBundle(const std::string& path, const kv::LoadOptions& options)>;

    // Starts at once. `tokenizerPath`: a llama2.c tokenizer.bin for a .bin checkpoint, or empty.
    ModelLoad(Loader loader, QString path, QString tokenizerPath, QObject* parent = nullptr);
    // Cancels, and waits for the loader to return.
    ~ModelLoad() override;

    const QString& path() const { return m_path; }
    // What the user calls the model before it has loaded: "ORG/NAME" for a
    // snapshot of the Hugging Face cache, else the folder's or file's name.
    const QString& name() const { return m_name; }
    // The bytes of the checkpoint's files on disk (a folder's files, through
    // their symlinks), read before the load starts.
    std::uint64_t bytesOnDisk() const { return m_bytesOnDisk; }
    // The last progress the loader reported; bytesTotal is 0 until its first report.
    const kv::LoadProgress& progress() const { return m_progress; }
    bool running() const { return m_running; }
    bool cancelled() const { return m_cancelled; }
    // The model, once loaded() has been emitted (and only once).
    kv::ModelBundle takeBundle();

    // Stops at the loader's next report. No loaded() or failed() follows;
    // finished() comes when the thread has ended.
    void cancel();

    static QString nameOf(const QString& path);
    static std::uint64_t bytesOnDiskOf(const QString& path);

signals:
    void progressed(quint64 bytesDone, quint64 bytesTotal);
    void loaded();
    void failed(const QString& message);
    // The thread has ended, whichever way: loaded, failed or cancelled.
    void finished();

private:
    void run(Loader loader, std::string path, std::string tokenizerPath);
    bool report(const kv::LoadProgress& progress); // on the loading thread
    void receiveProgress();
    void receiveBundle(std::shared_ptr<kv::ModelBundle> bundle);
    void receiveError(const QString& message);

    QString m_path;
    QString m_name;
    std::uint64_t m_bytesOnDisk;
    kv::LoadProgress m_progress;
    std::optional<kv::ModelBundle> m_bundle;
    bool m_running = true;
    bool m_cancelled = false;                // GUI thread: what arrives after cancel() is dropped
    std::atomic<bool> m_stop{false};         // read by the loading thread at every report
    std::atomic<std::uint64_t> m_bytesDone{0};  // the loading thread's last report ...
    std::atomic<std::uint64_t> m_bytesTotal{0};
    std::atomic<bool> m_reportQueued{false}; // ... handed to the GUI thread once per turn of its event loop
    QThread* m_thread;
};

} // namespace kvlab
