// Every key of every shipped config.json, given every JSON kind it must not
// have: the reader reports a LoadError naming the file and the key, never a
// library exception. The keys come from the files, so a key added to a shipped
// config is covered the day it is added.
#include "core/io/LoadError.h"
#include "core/model/ModelConfig.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace kv;
using Json = nlohmann::ordered_json;

namespace {

// One value of each JSON kind, by name.
const std::vector<std::pair<const char*, Json>>& valuesOfEveryKind()
{
    static const std::vector<std::pair<const char*, Json>> values = {
        {"string", Json("2")},        {"integer", Json(2)},     {"float", Json(2.5)},
        {"bool", Json(true)},         {"null", Json(nullptr)},  {"array", Json::array({2})},
        {"object", Json::object({{"value", 2}})},
    };
    return values;
}

// Whether `replacement` is a kind the key holding `original` may also hold:
// the same kind, or an integer where a float stands (1 for 1.0).
bool sameKind(const Json& original, const Json& replacement)
{
    if (original.is_number_float())
        return replacement.is_number();
    if (original.is_number_integer())
        return replacement.is_number_integer();
    return original.type() == replacement.type();
}

QStringList shippedConfigs()
{
    QStringList files;
    const QDir models(QStringLiteral(KVLAB_ASSETS_DIR "/models"));
    for (const QString& name : models.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        if (QFile::exists(models.filePath(name + QStringLiteral("/config.json"))))
            files << models.filePath(name + QStringLiteral("/config.json"));
    return files;
}

Json readJson(const QString& path)
{
    std::ifstream in(path.toStdString());
    return Json::parse(in);
}

// Loads `config` written to a file in `dir`; returns the LoadError's message,
// or a line starting "FAIL:" when anything else happened.
QString loadError(const QTemporaryDir& dir, const Json& config, std::string& path)
{
    path = dir.filePath(QStringLiteral("config.json")).toStdString();
    std::ofstream(path) << config.dump(2);
    try {
        ModelConfig::fromJsonFile(path);
        return QStringLiteral("FAIL: accepted");
    } catch (const LoadError& error) {
        return QString::fromStdString(error.what());
    } catch (const nlohmann::json::exception& error) {
        return QStringLiteral("FAIL: nlohmann escaped: ") + QString::fromUtf8(error.what());
    } catch (const std::exception& error) {
        return QStringLiteral("FAIL: not a LoadError: ") + QString::fromUtf8(error.what());
    }
}

} // namespace

class TestConfigErrors : public QObject {
    Q_OBJECT

private slots:
    void shippedConfigsAreFound()
    {
        const QStringList files = shippedConfigs();
        QVERIFY2(files.size() >= 2, qPrintable(files.join(u',')));
        QVERIFY(files.contains(QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-gqa/config.json")));
        QVERIFY(files.contains(QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-llama/config.json")));
    }

    void everyKeyOfEveryWrongKind_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        int rows = 0;
        for (const QString& file : shippedConfigs()) {
            const Json config = readJson(file);
            for (const auto& [key, original] : config.items())
                for (const auto& [kind, replacement] : valuesOfEveryKind()) {
                    if (sameKind(original, replacement))
                        continue;
                    const QString model = QFileInfo(file).dir().dirName();
                    QTest::addRow("%s %s=%s", qPrintable(model), key.c_str(), kind)
                        << file << QString::fromStdString(key) << QString::fromStdString(replacement.dump());
                    ++rows;
                }
        }
        QVERIFY(rows > 0);
    }

    void everyKeyOfEveryWrongKind()
    {
        QFETCH(QString, file);
        QFETCH(QString, key);
        QFETCH(QString, value);
        Json config = readJson(file);
        config[key.toStdString()] = Json::parse(value.toStdString());
        QTemporaryDir dir;
        std::string path;
        const QString message = loadError(dir, config, path);
        QVERIFY2(!message.startsWith(QStringLiteral("FAIL:")), qPrintable(message));
        QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
        QVERIFY2(message.contains(u'"' + key + u'"'), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("json.exception")), qPrintable(message));
    }

    // Numbers of the right kind but too large for the field: read as the key's
    // error, never wrapped around or turned into infinity.
    void numbersTooLargeForTheField_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("n_layer past int") << "n_layer" << "4294967297" << "field \"n_layer\" must be an integer from";
        QTest::newRow("n_head below int") << "n_head" << "-4294967297" << "field \"n_head\" must be an integer from";
        QTest::newRow("n_embd past uint64") << "n_embd" << "18446744073709551616" << "field \"n_embd\" must be an integer";
        QTest::newRow("eps past float") << "layer_norm_epsilon" << "1e39" << "field \"layer_norm_epsilon\" must be a finite number that fits a float (magnitude at most 3.4e38), not the number 1e+39";
        QTest::newRow("eps past double") << "layer_norm_epsilon" << "1e999" << "holds a number too large to read";
    }

    void numbersTooLargeForTheField()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        const std::string source = "big/config.json";
        // The number goes in as written: a JSON value would round it first.
        Json config = readJson(QStringLiteral(KVLAB_ASSETS_DIR "/models/tiny-gqa/config.json"));
        const QString numberSlot = QStringLiteral("@@number@@");
        config[key.toStdString()] = numberSlot.toStdString();
        const std::string text =
            QString::fromStdString(config.dump()).replace(u'"' + numberSlot + u'"', value).toStdString();
        try {
            ModelConfig::fromJsonText(text, source);
            QFAIL("accepted");
        } catch (const LoadError& error) {
            QVERIFY2(QString::fromStdString(error.what()).contains(expected), error.what());
            QCOMPARE(QString::fromStdString(error.file()), QString::fromStdString(source));
        }
    }
};

QTEST_GUILESS_MAIN(TestConfigErrors)
#include "tst_configerrors.moc"
