#pragma once

#include "core/lab/GpuPreset.h"
#include "core/lab/MemorySettings.h"
#include "core/model/ModelConfig.h"
#include "core/lab/ModelPreset.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace kvlab {

// The memory calculator's inputs: a model (a real preset, the live model or
// custom values, editable only for Custom), dtype, context, batch, a KV-heads
// "what if" and a GPU. The widgets carry object names for tests: preset,
// layers, heads, kvHeads, headDim, parameters, dtype, context, batch,
// kvHeadsOverride, gpu.
class MemoryInputs : public QWidget {
    Q_OBJECT

public:
    static inline const QString kLiveModel = QStringLiteral("the live model");
    static inline const QString kCustom = QStringLiteral("Custom");

    explicit MemoryInputs(QWidget* parent = nullptr);

    // Choosing "the live model" sets the inputs to the cache the core
    // allocates for it (fp32, its full context, batch 1).
    void setLiveModel(const kv::ModelConfig& config);
    const std::optional<kv::ModelConfig>& liveModel() const { return m_liveConfig; }
    // Sets every input, then emits changed() once. Returns what is wrong with
    // a name (nothing is changed then), or an empty string.
    QString setAll(const QString& model, int context, int batch, const QString& dtype, const QString& gpu, int kvHeads);

    bool isLive() const;
    bool isCustom() const;
    // Throws CalculatorError when there is no live model yet.
    kv::ModelPreset model() const;
    kv::MemorySettings settings() const;
    std::optional<kv::GpuPreset> gpu() const;

signals:
    void changed();

private:
    void build();
    void fillPresetBox();
    void presetChosen();
    void showShape(const kv::ModelPreset& model);
    void emitChanged();

    QComboBox* m_preset;
    QSpinBox* m_layers;
    QSpinBox* m_heads;
    QSpinBox* m_kvHeads;
    QSpinBox* m_headDim;
    QDoubleSpinBox* m_parameters; // a whole count: a double holds it exactly, an int could not
    QComboBox* m_dtype;
    QSpinBox* m_context;
    QSpinBox* m_batch;
    QSpinBox* m_kvHeadsOverride; // 0: the model's own
    QComboBox* m_gpu;
    std::optional<kv::ModelConfig> m_liveConfig;
    QString m_shownPreset;  // the preset before the current choice
    bool m_setting = false; // inputs being set together: one changed() at the end
};

} // namespace kvlab
