#pragma once

#include <QIcon>
#include <QString>
#include <QStringList>

namespace kvlab {

// Finds the shipped assets: $KVLAB_ASSETS, then where `cmake --install` puts
// them beside the executable (PREFIX/share/kvcache-lab for PREFIX/bin), then
// the source tree the binary was built from.
class AssetLocator {
public:
    static QString assetsDir();
    static QString modelDir(const QString& name);
    static QString defaultModelDir() { return modelDir(QStringLiteral("tiny-mha")); }
    static QStringList shippedModelNames();
    static QIcon appIcon(); // the icon theme's, else the shipped SVG
};

} // namespace kvlab
