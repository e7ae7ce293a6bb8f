#include "app/window/ModelBar.h"

#include "app/window/AssetLocator.h"
#include "app/window/ModelLoad.h"
#include "views/playback/PromptEdit.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <memory>

namespace kvlab {

namespace {

const QString kRecentKey = QStringLiteral("recentModels");

// 124 M, 1.1 B, 44 K: the parameter count at a glance.
QString parameterCount(std::int64_t parameters)
{
    const double count = static_cast<double>(parameters);
    if (count >= 1e9)
        return QStringLiteral("%1 B").arg(count / 1e9, 0, 'f', 1);
    if (count >= 1e6)
        return QStringLiteral("%1 M").arg(std::round(count / 1e6));
    if (count >= 1e3)
        return QStringLiteral("%1 K").arg(std::round(count / 1e3));
    return QString::number(parameters);
}

// A reader's order: "google/…" beside "GPT-J", not after every capital letter.
bool lessIgnoringCase(const QString& a, const QString& b)
{
    const int order = QString::compare(a, b, Qt::CaseInsensitive);
    return order != 0 ? order < 0 : a < b;
}

bool isShipped(const QString& path)
{
    for (const QString& name : AssetLocator::shippedModelNames())
        if (QDir(AssetLocator::modelDir(name)) == QDir(path))
            return true;
    return false;
}

} // namespace

ModelBar::ModelBar(QWidget* parent)
    : QToolBar(tr("Model and prompt"), parent)
    , m_models(new QComboBox(this))
    , m_layer(new QSpinBox(this))
    , m_head(new QSpinBox(this))
    , m_sharing(new QLabel(this))
    , m_prompt(new PromptEdit(this))
{
    setObjectName(QStringLiteral("modelBar"));
    m_models->setObjectName(QStringLiteral("modelPicker"));
    m_models->setToolTip(tr("The model that runs the walk-through"));
    m_models->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_layer->setPrefix(tr("layer "));
    m_layer->setToolTip(tr("Which layer's attention the panes show"));
    m_head->setPrefix(tr("head "));
    m_head->setToolTip(tr("Which query head the panes show"));
    m_prompt->setMinimumWidth(260);
    m_prompt->setToolTip(tr("Type a prompt and press Enter to run both paths again"));
    addWidget(new QLabel(tr(" Model "), this));
    addWidget(m_models);
    addSeparator();
    addWidget(m_layer);
    addWidget(m_head);
    addWidget(m_sharing);
    addSeparator();
    addWidget(new QLabel(tr(" Prompt "), this));
    addWidget(m_prompt);

    connect(m_prompt, &QLineEdit::returnPressed, this, [this] { emit promptEntered(m_prompt->text()); });
    connect(m_layer, &QSpinBox::valueChanged, this, &ModelBar::layerChanged);
    connect(m_head, &QSpinBox::valueChanged, this, &ModelBar::headChanged);
    connect(m_models, &QComboBox::activated, this, [this](int index) {
        QString directory = m_models->itemData(index).toString();
        if (directory.isEmpty())
            directory = askForModel(this);
        // Show the current model again until the chosen one has loaded.
        setModels(m_current, m_currentName);
        if (!directory.isEmpty())
            emit modelChosen(directory);
    });
    scanHubCache();
}

void ModelBar::scanHubCache()
{
    auto found = std::make_shared<std::vector<kv::HubCache::Entry>>();
    const std::string root = kv::HubCache::root();
    // Headers only, but a cache of many large models still takes a while: off the GUI thread.
    QThread* worker = QThread::create([found, root] { *found = kv::HubCache::scan(root); });
    connect(worker, &QThread::finished, this, [this, found] {
        m_hubModels = std::move(*found);
        setModels(m_current, m_currentName);
        emit hubCacheScanned();
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}

void ModelBar::setModels(const QString& currentDirectory, const QString& currentName)
{
    m_current = currentDirectory;
    m_currentName = currentName;
    if (!currentDirectory.isEmpty() && !isShipped(currentDirectory))
        addRecent(currentDirectory);
    const QSignalBlocker blocker(m_models);
    m_models->clear();
    QStringList shipped = AssetLocator::shippedModelNames();
    std::sort(shipped.begin(), shipped.end(), lessIgnoringCase);
    for (const QString& name : shipped)
        m_models->addItem(name, AssetLocator::modelDir(name));
    const QStringList recent = recentModels();
    if (!recent.isEmpty())
        addSectionSeparator();
    for (const QString& path : recent) {
        m_models->addItem(ModelLoad::nameOf(path), path); // a cache snapshot by its repo, not its commit hash
        m_models->setItemData(m_models->count() - 1, QDir::toNativeSeparators(path), Qt::ToolTipRole);
    }
    addHubEntries();
    int index = m_models->findData(currentDirectory);
    if (index < 0 && !currentDirectory.isEmpty()) {
        m_models->addItem(currentName, currentDirectory);
        index = m_models->count() - 1;
    }
    addSectionSeparator();
    m_models->addItem(tr("Open model…"), QString());
    // No model open yet (a large one loading at start-up): no choice shown, rather than the first row.
    m_models->setCurrentIndex(currentDirectory.isEmpty() ? -1 : std::max(0, index));
}

void ModelBar::addHubEntries()
{
    if (m_hubModels.empty())
        return;
    addSectionSeparator();
    auto* model = qobject_cast<QStandardItemModel*>(m_models->model());
    std::vector<kv::HubCache::Entry> entries = m_hubModels;
    std::sort(entries.begin(), entries.end(), [](const kv::HubCache::Entry& a, const kv::HubCache::Entry& b) {
        return lessIgnoringCase(QString::fromStdString(a.repoId), QString::fromStdString(b.repoId));
    });
    for (const kv::HubCache::Entry& entry : entries) {
        const QString folder = QString::fromStdString(entry.folder);
        m_models->addItem(describe(entry), folder);
        const int row = m_models->count() - 1;
        if (entry.supported) {
            m_models->setItemData(row, tr("%1 in the Hugging Face cache").arg(QDir::toNativeSeparators(folder)),
                                  Qt::ToolTipRole);
        } else {
            m_models->setItemData(row, QString::fromStdString(entry.reason), Qt::ToolTipRole);
            if (model)
                model->item(row)->setEnabled(false);
        }
    }
}

void ModelBar::addSectionSeparator()
{
    if (m_models->count() > 0)
        m_models->insertSeparator(m_models->count());
}

QString ModelBar::describe(const kv::HubCache::Entry& entry)
{
    const QString name = QString::fromStdString(entry.repoId);
    if (!entry.supported)
        return tr("%1 (cannot open)").arg(name);
    return QStringLiteral("%1 · %2 · %3 · %4")
        .arg(name, QString::fromStdString(entry.family), tr("%1 parameters").arg(parameterCount(entry.parameters)),
             QLocale(QLocale::English).formattedDataSize(static_cast<qint64>(entry.bytesOnDisk), 0,
                                                         QLocale::DataSizeSIFormat));
}

void ModelBar::addRecent(const QString& path)
{
    QStringList recent = recentModels();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
}

QStringList ModelBar::recentModels()
{
    return QSettings().value(kRecentKey).toStringList();
}

QString ModelBar::askForModel(QWidget* parent)
{
    const QString file = QFileDialog::getOpenFileName(
        parent, tr("Open model: a .bin checkpoint, or any file of a model folder"), AssetLocator::assetsDir(),
        tr("Models (*.bin config.json *.safetensors tokenizer.json vocab.txt);;All files (*)"));
    if (file.isEmpty())
        return {};
    return file.endsWith(QStringLiteral(".bin"), Qt::CaseInsensitive) ? file : QFileInfo(file).absolutePath();
}

void ModelBar::setShape(const kv::ModelConfig& config, int layer, int head)
{
    const QSignalBlocker layerBlocker(m_layer);
    const QSignalBlocker headBlocker(m_head);
    m_layer->setRange(0, config.nLayer - 1);
    m_head->setRange(0, config.nHead - 1);
    m_layer->setValue(layer);
    m_head->setValue(head);
}

void ModelBar::setSharing(const QString& text)
{
    m_sharing->setText(QStringLiteral(" %1  ").arg(text));
}

} // namespace kvlab
