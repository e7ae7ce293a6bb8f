#pragma once

#include "core/io/HubCache.h"
#include "core/model/ModelConfig.h"

#include <QStringList>
#include <QToolBar>

#include <vector>

class QComboBox;
class QLabel;
class QSpinBox;

namespace kvlab {

class PromptEdit;

// The second toolbar: which model, which layer and head, and the prompt.
// The Model picker lists, each group after a separator, the shipped models
// and the models of the Hugging Face cache (which it scans on a worker
// thread), both in alphabetical order ignoring case, and between them the
// recently opened ones, most recent first. Those the lab cannot open are
// disabled, the reason as their tooltip. "Open model…" comes last.
class ModelBar : public QToolBar {
    Q_OBJECT

public:
    static constexpr int kMaxRecent = 8;

    explicit ModelBar(QWidget* parent = nullptr);

    PromptEdit* prompt() const { return m_prompt; }
    QComboBox* picker() const { return m_models; }
    // Makes `current` (an opened folder or file) the picker's choice, and
    // remembers it among the recent models unless it is a shipped one.
    void setModels(const QString& currentDirectory, const QString& currentName);
    void setShape(const kv::ModelConfig& config, int layer, int head);
    void setSharing(const QString& text);

    // The recently opened models, most recent first (QSettings).
    static QStringList recentModels();
    // A model chosen in a file dialog: a .bin checkpoint, or the folder of
    // any other file picked in it (config.json, say). Empty when cancelled.
    static QString askForModel(QWidget* parent);
    // "gpt2 · GPT-2 · 124 M parameters · 548 MB" for a supported entry, the
    // repo id and "(cannot open)" for another.
    static QString describe(const kv::HubCache::Entry& entry);

signals:
    void modelChosen(const QString& directory);
    void promptEntered(const QString& prompt);
    void layerChanged(int layer);
    void headChanged(int head);
    void hubCacheScanned();

private:
    void scanHubCache();
    void addRecent(const QString& path);
    void addHubEntries();
    void addSectionSeparator();

    QComboBox* m_models;
    QSpinBox* m_layer;
    QSpinBox* m_head;
    QLabel* m_sharing;
    PromptEdit* m_prompt;
    QString m_current;
    QString m_currentName;
    std::vector<kv::HubCache::Entry> m_hubModels;
};

} // namespace kvlab
