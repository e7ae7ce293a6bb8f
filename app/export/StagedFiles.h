#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <QTemporaryFile>

#include <memory>
#include <vector>

namespace kvlab {

// Files written under hidden temporary names inside their target folder and
// renamed into place all together by commit(), so that a failed or
// cancelled export leaves the folder as it found it: never a half-written
// file, never half a set. Whatever is not committed is removed on destruction.
class StagedFiles {
    Q_DECLARE_TR_FUNCTIONS(StagedFiles)

public:
    explicit StagedFiles(QString directory);
    ~StagedFiles();
    StagedFiles(const StagedFiles&) = delete;
    StagedFiles& operator=(const StagedFiles&) = delete;

    // An open temporary file that will become `fileName`; nullptr (see error()) when the folder refuses it.
    std::unique_ptr<QTemporaryFile> create(const QString& fileName);
    // Flushes and closes `file`, checking that every byte reached the disk, and stages it.
    bool finish(std::unique_ptr<QTemporaryFile> file, const QString& fileName);
    // Renames every staged file onto its name, replacing what is there.
    bool commit();

    QString error() const { return m_error; }
    QStringList committed() const { return m_committed; } // absolute paths
    QString pathOf(const QString& fileName) const;

private:
    struct Staged {
        QString temporary;
        QString fileName;
    };

    QString m_directory;
    std::vector<Staged> m_staged;
    QStringList m_committed;
    QString m_error;
};

} // namespace kvlab
