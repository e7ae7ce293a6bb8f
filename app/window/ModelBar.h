#pragma once

#include "core/model/ModelConfig.h"

#include <QToolBar>

class QComboBox;
class QLabel;
class QSpinBox;

namespace kvlab {

class PromptEdit;

// The second toolbar: which model, which layer and head, and the prompt.
class ModelBar : public QToolBar {
    Q_OBJECT

public:
    explicit ModelBar(QWidget* parent = nullptr);

    PromptEdit* prompt() const { return m_prompt; }
    // Lists the shipped models and `current` (an opened folder), with "Open model folder…" last.
    void setModels(const QString& currentDirectory, const QString& currentName);
    void setShape(const kv::ModelConfig& config, int layer, int head);
    void setSharing(const QString& text);

signals:
    void modelChosen(const QString& directory);
    void promptEntered(const QString& prompt);
    void layerChanged(int layer);
    void headChanged(int head);

private:
    QComboBox* m_models;
    QSpinBox* m_layer;
    QSpinBox* m_head;
    QLabel* m_sharing;
    PromptEdit* m_prompt;
    QString m_current;
};

} // namespace kvlab
