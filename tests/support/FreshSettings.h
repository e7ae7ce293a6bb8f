#pragma once

#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>

namespace kvtest {

// Window tests start from no saved settings, in a test-only location, so a
// developer's own window state (docks, model, layout) never leaks in or out.
inline void startWithFreshSettings()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("KV Cache Lab Tests"));
    QSettings().clear();
}

} // namespace kvtest
