#include "app/window/ModelBar.h"

#include "app/window/AssetLocator.h"
#include "views/playback/PromptEdit.h"

#include <QComboBox>
#include <QFileDialog>
#include <QLabel>
#include <QSpinBox>

namespace kvlab {

ModelBar::ModelBar(QWidget* parent)
    : QToolBar(tr("Model and prompt"), parent)
    , m_models(new QComboBox(this))
    , m_layer(new QSpinBox(this))
    , m_head(new QSpinBox(this))
    , m_sharing(new QLabel(this))
    , m_prompt(new PromptEdit(this))
{
    setObjectName(QStringLiteral("modelBar"));
    m_models->setToolTip(tr("The model that runs the walk-through"));
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
            directory = QFileDialog::getExistingDirectory(this, tr("Open model folder"), AssetLocator::assetsDir());
        // Show the current model again until the chosen one has loaded.
        setModels(m_current, m_models->itemText(m_models->findData(m_current)));
        if (!directory.isEmpty())
            emit modelChosen(directory);
    });
}

void ModelBar::setModels(const QString& currentDirectory, const QString& currentName)
{
    m_current = currentDirectory;
    const QSignalBlocker blocker(m_models);
    m_models->clear();
    for (const QString& name : AssetLocator::shippedModelNames())
        m_models->addItem(name, AssetLocator::modelDir(name));
    int index = m_models->findData(currentDirectory);
    if (index < 0 && !currentDirectory.isEmpty()) {
        m_models->addItem(currentName, currentDirectory);
        index = m_models->count() - 1;
    }
    m_models->addItem(tr("Open model folder…"), QString());
    m_models->setCurrentIndex(std::max(0, index));
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
