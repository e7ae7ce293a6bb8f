#include "views/memory/MemoryInputs.h"

#include "views/diagrams/ByteText.h"
#include "core/lab/CalculatorError.h"
#include "core/lab/MemoryCalculator.h"
#include "core/lab/ModelPresets.h"
#include "core/util/NameMatching.h"
#include "views/style/WheelGuard.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QScopedValueRollback>
#include <QSpinBox>
#include <QStandardItemModel>

#include <algorithm>
#include <cmath>

namespace kvlab {

namespace {

constexpr std::int64_t kDefaultContext = 4096; // as `--memory`: or the model's maximum when shorter

QSpinBox* spinBox(QWidget* parent, const char* name, int minimum, int maximum, const QString& tip)
{
    auto* box = new QSpinBox(parent);
    box->setObjectName(QString::fromLatin1(name));
    box->setRange(minimum, maximum);
    box->setGroupSeparatorShown(true);
    box->setToolTip(tip);
    return box;
}

// The index of the item whose data or text names `name` the way people type
// it ("A100 40 GB", "a100-40gb"), or -1.
int findItem(const QComboBox* box, const QString& name)
{
    const auto key = [](const QString& text) { return text.toLower().remove(QLatin1Char(' ')).toStdString(); };
    for (int i = 0; i < box->count(); ++i)
        if (kv::sameName(key(name), key(box->itemData(i).toString())) || kv::sameName(key(name), key(box->itemText(i))))
            return i;
    return -1;
}

// Same name and shape: a new lesson on the model already shown keeps the inputs as they are.
bool sameModel(const kv::ModelConfig& a, const kv::ModelConfig& b)
{
    return a.name == b.name && a.family == b.family && a.nLayer == b.nLayer && a.nEmbd == b.nEmbd && a.nHead == b.nHead
        && a.nKvHead == b.nKvHead && a.nPositions == b.nPositions && a.vocabSize == b.vocabSize;
}

void setItemEnabled(QComboBox* box, int index, bool enabled)
{
    if (auto* model = qobject_cast<QStandardItemModel*>(box->model()))
        model->item(index)->setEnabled(enabled);
}

} // namespace

MemoryInputs::MemoryInputs(QWidget* parent)
    : QWidget(parent)
{
    build();
    m_preset->setCurrentIndex(findItem(m_preset, QStringLiteral("Llama-2-7B")));
}

void MemoryInputs::build()
{
    m_preset = new QComboBox(this);
    m_preset->setObjectName(QStringLiteral("preset"));
    fillPresetBox();
    m_layers = spinBox(this, "layers", 0, 1000, tr("Transformer blocks; each keeps its own K and V."));
    m_heads = spinBox(this, "heads", 0, 1024, tr("Query heads per layer."));
    m_kvHeads = spinBox(this, "kvHeads", 0, 1024, tr("K/V heads per layer: = heads is MHA, 1 is MQA, between is GQA."));
    m_headDim = spinBox(this, "headDim", 0, 4096, tr("Elements of one head's key (and of its value)."));
    m_parameters = new QDoubleSpinBox(this);
    m_parameters->setObjectName(QStringLiteral("parameters"));
    m_parameters->setRange(0, 1e15);
    m_parameters->setDecimals(0);
    m_parameters->setSingleStep(1e9);
    m_parameters->setGroupSeparatorShown(true);
    m_parameters->setToolTip(tr("For the weights' memory; 0: unknown, the weights are not counted."));
    m_dtype = new QComboBox(this);
    m_dtype->setObjectName(QStringLiteral("dtype"));
    for (kv::DataType type : kv::allDataTypes())
        m_dtype->addItem(QStringLiteral("%1 (%2)").arg(QString::fromStdString(kv::dataTypeName(type)),
                                                      QString::fromStdString(kv::bytesPerElementText(type))),
                         QString::fromStdString(kv::dataTypeName(type)));
    m_dtype->setCurrentIndex(m_dtype->findData(QStringLiteral("fp16")));
    m_context = spinBox(this, "context", 1, 10'000'000, tr("Tokens per sequence: the prompt and what is generated."));
    m_context->setValue(int(kDefaultContext));
    m_batch = spinBox(this, "batch", 1, 100'000, tr("Sequences (users) decoded together, each with its own cache."));
    m_kvHeadsOverride = spinBox(this, "kvHeadsOverride", 0, 1024,
                                tr("What if the model had this many KV heads? It must divide the query heads."));
    m_kvHeadsOverride->setSpecialValueText(tr("the model's own"));
    m_gpu = new QComboBox(this);
    m_gpu->setObjectName(QStringLiteral("gpu"));
    m_gpu->addItem(tr("none"), QStringLiteral("none"));
    for (const kv::GpuPreset& gpu : kv::GpuPreset::all())
        m_gpu->addItem(gpuLabel(gpu.name), QString::fromStdString(gpu.name));

    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("&Model:"), m_preset);
    form->addRow(tr("&Layers:"), m_layers);
    form->addRow(tr("&Query heads:"), m_heads);
    form->addRow(tr("KV &heads:"), m_kvHeads);
    form->addRow(tr("head_d&im:"), m_headDim);
    form->addRow(tr("&Parameters:"), m_parameters);
    form->addRow(tr("&dtype:"), m_dtype);
    form->addRow(tr("&Context (tokens):"), m_context);
    form->addRow(tr("&Batch:"), m_batch);
    form->addRow(tr("&What if KV heads:"), m_kvHeadsOverride);
    form->addRow(tr("&GPU:"), m_gpu);

    connect(m_preset, &QComboBox::currentIndexChanged, this, &MemoryInputs::presetChosen);
    for (QComboBox* box : {m_dtype, m_gpu})
        connect(box, &QComboBox::currentIndexChanged, this, &MemoryInputs::emitChanged);
    for (QSpinBox* box : {m_layers, m_heads, m_kvHeads, m_headDim, m_context, m_batch, m_kvHeadsOverride})
        connect(box, &QSpinBox::valueChanged, this, &MemoryInputs::emitChanged);
    connect(m_parameters, &QDoubleSpinBox::valueChanged, this, &MemoryInputs::emitChanged);
    new WheelGuard(this); // scrolling the panel must not change a field under the pointer
}

void MemoryInputs::fillPresetBox()
{
    for (const std::string& name : kv::ModelPresets::names())
        m_preset->addItem(QString::fromStdString(name), QString::fromStdString(name));
    m_preset->insertSeparator(m_preset->count());
    m_preset->addItem(tr("the live model (none loaded)"), kLiveModel);
    m_preset->addItem(tr("Custom"), kCustom);
    setItemEnabled(m_preset, m_preset->findData(kLiveModel), false);
}

void MemoryInputs::setLiveModel(const kv::ModelConfig& config)
{
    if (m_liveConfig && sameModel(*m_liveConfig, config))
        return;
    m_liveConfig = config;
    const int index = m_preset->findData(kLiveModel);
    m_preset->setItemText(index, QString::fromStdString(kv::ModelPreset::fromConfig(config).name));
    setItemEnabled(m_preset, index, true);
    if (isLive())
        presetChosen();
}

void MemoryInputs::presetChosen()
{
    {
        const QScopedValueRollback<bool> together(m_setting, true);
        const bool leavingLive = m_shownPreset == kLiveModel;
        m_shownPreset = m_preset->currentData().toString();
        if (isLive() && m_liveConfig) {
            const kv::MemorySettings live = kv::MemoryCalculator::fromConfig(*m_liveConfig).settings();
            m_dtype->setCurrentIndex(m_dtype->findData(QString::fromStdString(kv::dataTypeName(live.dataType))));
            m_context->setValue(static_cast<int>(live.context));
            m_batch->setValue(static_cast<int>(live.batch));
            m_kvHeadsOverride->setValue(0);
        }
        if (!isCustom())
            showShape(model());
        if (leavingLive && !isLive() && !isCustom()) {
            const std::int64_t maximum = model().maxContext;
            m_context->setValue(static_cast<int>(maximum > 0 ? std::min(kDefaultContext, maximum) : kDefaultContext));
            m_dtype->setCurrentIndex(m_dtype->findData(QStringLiteral("fp16")));
        }
        for (QWidget* field : std::initializer_list<QWidget*>{m_layers, m_heads, m_kvHeads, m_headDim, m_parameters})
            field->setEnabled(isCustom());
    }
    emitChanged();
}

void MemoryInputs::showShape(const kv::ModelPreset& model)
{
    m_layers->setValue(model.layers);
    m_heads->setValue(model.heads);
    m_kvHeads->setValue(model.kvHeads);
    m_headDim->setValue(model.headDim);
    m_parameters->setValue(double(model.parameters));
}

QString MemoryInputs::setAll(const QString& model, int context, int batch, const QString& dtype, const QString& gpu,
                             int kvHeads)
{
    const int presetIndex = findItem(m_preset, model);
    const int dtypeIndex = findItem(m_dtype, dtype);
    const int gpuIndex = gpu.isEmpty() ? 0 : findItem(m_gpu, gpu);
    const auto known = [](const std::vector<std::string>& names) { return QString::fromStdString(kv::joinNames(names)); };
    if (presetIndex < 0)
        return tr("unknown model preset \"%1\"; known presets: %2, %3, %4")
            .arg(model, known(kv::ModelPresets::names()), kLiveModel, kCustom);
    if (m_preset->itemData(presetIndex).toString() == kLiveModel && !m_liveConfig)
        return tr("no model is loaded yet: the live model is the one the app runs");
    if (dtypeIndex < 0)
        return tr("unknown dtype \"%1\"; known dtypes: %2").arg(dtype, known(kv::dataTypeNames()));
    if (gpuIndex < 0)
        return tr("unknown GPU \"%1\"; known GPUs: none, %2").arg(gpu, known(kv::GpuPreset::names()));
    {
        const QScopedValueRollback<bool> together(m_setting, true);
        m_preset->setCurrentIndex(presetIndex);
        m_dtype->setCurrentIndex(dtypeIndex);
        m_context->setValue(context);
        m_batch->setValue(batch);
        m_kvHeadsOverride->setValue(kvHeads);
        m_gpu->setCurrentIndex(gpuIndex);
    }
    emitChanged();
    return {};
}

bool MemoryInputs::isLive() const
{
    return m_preset->currentData().toString() == kLiveModel;
}

bool MemoryInputs::isCustom() const
{
    return m_preset->currentData().toString() == kCustom;
}

kv::ModelPreset MemoryInputs::model() const
{
    if (isLive()) {
        if (!m_liveConfig)
            throw kv::CalculatorError("no model is loaded yet: the live model is the one the app runs");
        return kv::ModelPreset::fromConfig(*m_liveConfig);
    }
    if (!isCustom())
        return kv::ModelPresets::get(m_preset->currentData().toString().toStdString());
    kv::ModelPreset custom;
    custom.name = "Custom";
    custom.layers = m_layers->value();
    custom.heads = m_heads->value();
    custom.kvHeads = m_kvHeads->value();
    custom.headDim = m_headDim->value();
    custom.hiddenSize = custom.heads * custom.headDim;
    custom.parameters = std::llround(m_parameters->value());
    custom.source = "values typed in the calculator";
    return custom;
}

kv::MemorySettings MemoryInputs::settings() const
{
    kv::MemorySettings settings;
    settings.dataType = kv::parseDataType(m_dtype->currentData().toString().toStdString());
    settings.context = m_context->value();
    settings.batch = m_batch->value();
    if (m_kvHeadsOverride->value() > 0)
        settings.kvHeads = m_kvHeadsOverride->value();
    return settings;
}

std::optional<kv::GpuPreset> MemoryInputs::gpu() const
{
    return kv::GpuPreset::find(m_gpu->currentData().toString().toStdString());
}

void MemoryInputs::emitChanged()
{
    if (!m_setting)
        emit changed();
}

} // namespace kvlab
