#include "app/window/AssetLocator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QIcon>

namespace kvlab {

QString AssetLocator::assetsDir()
{
    const QString fromEnvironment = qEnvironmentVariable("KVLAB_ASSETS");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    const QString installed = QCoreApplication::applicationDirPath() + QStringLiteral("/" KVLAB_DATA_FROM_BIN);
    if (QFileInfo::exists(installed + QStringLiteral("/models")))
        return QDir::cleanPath(installed);
    return QStringLiteral(KVLAB_ASSETS_DIR);
}

QIcon AssetLocator::appIcon()
{
    return QIcon::fromTheme(QStringLiteral(KVLAB_APP_ID),
                            QIcon(assetsDir() + QStringLiteral("/icons/kvcache-lab.svg")));
}

QString AssetLocator::modelDir(const QString& name)
{
    return assetsDir() + QStringLiteral("/models/") + name;
}

QStringList AssetLocator::shippedModelNames()
{
    return QDir(assetsDir() + QStringLiteral("/models")).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

} // namespace kvlab
