#include "app/window/ModelLoad.h"

#include "core/io/HubCache.h"
#include "core/io/LoadCancelled.h"

#include <QDir>
#include <QFileInfo>
#include <QThread>

#include <exception>
#include <new>

namespace kvlab {

ModelLoad::ModelLoad(Loader loader, QString path, QString tokenizerPath, QObject* parent)
    : QObject(parent)
    , m_path(std::move(path))
    , m_name(nameOf(m_path))
    , m_bytesOnDisk(bytesOnDiskOf(m_path))
{
    m_thread = QThread::create([this, loader = std::move(loader), file = m_path.toStdString(),
                                tokenizer = tokenizerPath.toStdString()] { run(loader, file, tokenizer); });
    // Queued after whatever the thread posted: finished() comes last.
    connect(m_thread, &QThread::finished, this, [this] {
        m_running = false;
        emit finished();
    });
    m_thread->start();
}

ModelLoad::~ModelLoad()
{
    m_stop = true;
    m_thread->wait();
    delete m_thread;
}

void ModelLoad::run(Loader loader, std::string path, std::string tokenizerPath)
{
    kv::LoadOptions options;
    options.tokenizerPath = std::move(tokenizerPath);
    options.onProgress = [this](const kv::LoadProgress& progress) { return report(progress); };
    try {
        auto bundle = std::make_shared<kv::ModelBundle>(loader(path, options));
        QMetaObject::invokeMethod(this, [this, bundle] { receiveBundle(bundle); }, Qt::QueuedConnection);
    } catch (const kv::LoadCancelled&) {
        // cancel() asked for it; the window has moved on already.
    } catch (const std::bad_alloc&) {
        const QString message = tr("%1: there is not enough memory to hold its weights as float32").arg(m_path);
        QMetaObject::invokeMethod(this, [this, message] { receiveError(message); }, Qt::QueuedConnection);
    } catch (const std::exception& error) {
        const QString message = QString::fromStdString(error.what());
        QMetaObject::invokeMethod(this, [this, message] { receiveError(message); }, Qt::QueuedConnection);
    }
}

bool ModelLoad::report(const kv::LoadProgress& progress)
{
    m_bytesTotal = progress.bytesTotal;
    m_bytesDone = progress.bytesDone;
    if (!m_reportQueued.exchange(true))
        QMetaObject::invokeMethod(this, &ModelLoad::receiveProgress, Qt::QueuedConnection);
    return !m_stop;
}

void ModelLoad::receiveProgress()
{
    m_reportQueued = false;
    if (m_cancelled)
        return;
    m_progress.bytesDone = m_bytesDone;
    m_progress.bytesTotal = m_bytesTotal;
    emit progressed(m_progress.bytesDone, m_progress.bytesTotal);
}

void ModelLoad::receiveBundle(std::shared_ptr<kv::ModelBundle> bundle)
{
    if (m_cancelled)
        return; // a loader that finished before it heard the cancel: dropped
    m_bundle = std::move(*bundle);
    emit loaded();
}

void ModelLoad::receiveError(const QString& message)
{
    if (m_cancelled)
        return;
    emit failed(message);
}

kv::ModelBundle ModelLoad::takeBundle()
{
    Q_ASSERT(m_bundle);
    kv::ModelBundle bundle = std::move(*m_bundle);
    m_bundle.reset();
    return bundle;
}

void ModelLoad::cancel()
{
    m_cancelled = true;
    m_stop = true;
    m_bundle.reset();
}

QString ModelLoad::nameOf(const QString& path)
{
    // The cache keeps ORG/NAME as models--ORG--NAME/snapshots/<commit>/.
    const QFileInfo folder(QDir::cleanPath(path));
    const QFileInfo parent(folder.path());
    if (parent.fileName() == QStringLiteral("snapshots")) {
        const std::string repo = kv::HubCache::repoIdOf(QFileInfo(parent.path()).fileName().toStdString());
        if (!repo.empty())
            return QString::fromStdString(repo);
    }
    return folder.fileName();
}

std::uint64_t ModelLoad::bytesOnDiskOf(const QString& path)
{
    return kv::HubCache::bytesOnDisk(path.toStdString());
}

} // namespace kvlab
