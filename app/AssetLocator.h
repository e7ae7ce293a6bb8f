#pragma once

#include <QString>
#include <QStringList>

namespace kvlab {

// Finds the shipped assets: $KVLAB_ASSETS, then next to the executable
// (installed layout), then the source tree the binary was built from.
class AssetLocator {
public:
    static QString assetsDir();
    static QString modelDir(const QString& name);
    static QString defaultModelDir() { return modelDir(QStringLiteral("tiny-mha")); }
    static QStringList shippedModelNames();
};

} // namespace kvlab
