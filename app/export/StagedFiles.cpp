#include "app/export/StagedFiles.h"

#include <QDir>
#include <QFile>

#include <filesystem>
#include <system_error>

namespace kvlab {

StagedFiles::StagedFiles(QString directory)
    : m_directory(std::move(directory))
{
}

StagedFiles::~StagedFiles()
{
    for (const Staged& staged : m_staged)
        QFile::remove(staged.temporary);
}

QString StagedFiles::pathOf(const QString& fileName) const
{
    return QDir(m_directory).absoluteFilePath(fileName);
}

std::unique_ptr<QTemporaryFile> StagedFiles::create(const QString& fileName)
{
    auto file = std::make_unique<QTemporaryFile>(pathOf(QStringLiteral(".%1.XXXXXX").arg(fileName)));
    if (!file->open()) {
        m_error = tr("cannot write in %1: %2").arg(QDir::toNativeSeparators(m_directory), file->errorString());
        return nullptr;
    }
    return file;
}

bool StagedFiles::finish(std::unique_ptr<QTemporaryFile> file, const QString& fileName)
{
    const bool flushed = file->flush() && file->error() == QFileDevice::NoError;
    if (!flushed) {
        m_error = tr("could not write %1: %2").arg(QDir::toNativeSeparators(pathOf(fileName)), file->errorString());
        return false; // the temporary file removes itself
    }
    // Temporary files are private (0600); an exported picture is a normal file (0644).
    file->setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                         | QFileDevice::ReadOther);
    file->setAutoRemove(false);
    file->close();
    m_staged.push_back({file->fileName(), fileName});
    return true;
}

bool StagedFiles::commit()
{
    while (!m_staged.empty()) {
        const Staged& staged = m_staged.front();
        const QString target = pathOf(staged.fileName);
        std::error_code error;
        std::filesystem::rename(QFile::encodeName(staged.temporary).toStdString(),
                                QFile::encodeName(target).toStdString(), error);
        if (error) {
            m_error = tr("could not save %1: %2")
                          .arg(QDir::toNativeSeparators(target), QString::fromStdString(error.message()));
            return false;
        }
        m_committed << target;
        m_staged.erase(m_staged.begin());
    }
    return true;
}

} // namespace kvlab
