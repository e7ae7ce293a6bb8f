#pragma once

#include <QDir>
#include <QFileInfo>
#include <QString>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace kvtest {

// Appends `value`'s bytes as they lie in memory (little-endian here, as
// llama2.c's files are written).
template <typename T>
void put(std::string& bytes, T value)
{
    char raw[sizeof(T)];
    std::memcpy(raw, &value, sizeof(T));
    bytes.append(raw, sizeof(T));
}

inline void putFloats(std::string& bytes, const std::vector<float>& values)
{
    bytes.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

// Writes `bytes` to `directory`/`name` (its folders made) and returns the path.
inline std::string writeBinary(const QString& directory, const QString& name, const std::string& bytes)
{
    const std::string file = (directory + "/" + name).toStdString();
    QDir().mkpath(QFileInfo(QString::fromStdString(file)).path());
    std::ofstream(file, std::ios::binary) << bytes;
    return file;
}

} // namespace kvtest
