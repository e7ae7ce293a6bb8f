#pragma once

#include "core/decode/SamplingSettings.h"

#include <QWidget>

class QCheckBox;
class QDoubleSpinBox;
class QSpinBox;

namespace kvlab {

// Greedy, or temperature / top-k / top-p sampling with a seed.
class SamplingPanel : public QWidget {
    Q_OBJECT

public:
    explicit SamplingPanel(QWidget* parent = nullptr);
    kv::SamplingSettings settings() const;
    void setSettings(const kv::SamplingSettings& settings);

signals:
    void changed();

private:
    void updateEnabled();

    QCheckBox* m_greedy;
    QDoubleSpinBox* m_temperature;
    QSpinBox* m_topK;
    QDoubleSpinBox* m_topP;
    QSpinBox* m_seed;
};

} // namespace kvlab
