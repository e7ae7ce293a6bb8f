#include "views/playback/SamplingPanel.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSpinBox>

namespace kvlab {

SamplingPanel::SamplingPanel(QWidget* parent)
    : QWidget(parent)
    , m_greedy(new QCheckBox(tr("Greedy (always the likeliest token)"), this))
    , m_temperature(new QDoubleSpinBox(this))
    , m_topK(new QSpinBox(this))
    , m_topP(new QDoubleSpinBox(this))
    , m_seed(new QSpinBox(this))
{
    m_greedy->setChecked(true);
    m_temperature->setRange(0.05, 5.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setValue(1.0);
    m_temperature->setToolTip(tr("Below 1 sharpens the distribution, above 1 flattens it."));
    m_topK->setRange(0, 1000);
    m_topK->setSpecialValueText(tr("off"));
    m_topK->setToolTip(tr("Sample only among the K likeliest tokens (0: all)."));
    m_topP->setRange(0.01, 1.0);
    m_topP->setSingleStep(0.05);
    m_topP->setValue(1.0);
    m_topP->setToolTip(tr("Sample from the smallest set of tokens whose probability reaches P."));
    m_seed->setRange(0, 1'000'000);
    m_seed->setToolTip(tr("The same seed gives the same tokens."));

    auto* form = new QFormLayout(this);
    form->addRow(m_greedy);
    form->addRow(tr("&Temperature:"), m_temperature);
    form->addRow(tr("Top-&k:"), m_topK);
    form->addRow(tr("Top-&p:"), m_topP);
    form->addRow(tr("&Seed:"), m_seed);

    connect(m_greedy, &QCheckBox::toggled, this, [this] {
        updateEnabled();
        emit changed();
    });
    connect(m_temperature, &QDoubleSpinBox::valueChanged, this, &SamplingPanel::changed);
    connect(m_topK, &QSpinBox::valueChanged, this, &SamplingPanel::changed);
    connect(m_topP, &QDoubleSpinBox::valueChanged, this, &SamplingPanel::changed);
    connect(m_seed, &QSpinBox::valueChanged, this, &SamplingPanel::changed);
    updateEnabled();
}

void SamplingPanel::updateEnabled()
{
    const bool sampling = !m_greedy->isChecked();
    for (QWidget* widget : {static_cast<QWidget*>(m_temperature), static_cast<QWidget*>(m_topK),
                            static_cast<QWidget*>(m_topP), static_cast<QWidget*>(m_seed)})
        widget->setEnabled(sampling);
}

kv::SamplingSettings SamplingPanel::settings() const
{
    kv::SamplingSettings settings;
    if (!m_greedy->isChecked())
        settings.temperature = static_cast<float>(m_temperature->value());
    settings.topK = m_topK->value();
    settings.topP = static_cast<float>(m_topP->value());
    settings.seed = static_cast<std::uint64_t>(m_seed->value());
    return settings;
}

void SamplingPanel::setSettings(const kv::SamplingSettings& settings)
{
    m_greedy->setChecked(settings.greedy());
    if (!settings.greedy())
        m_temperature->setValue(settings.temperature);
    m_topK->setValue(settings.topK);
    m_topP->setValue(settings.topP);
    m_seed->setValue(static_cast<int>(settings.seed));
}

} // namespace kvlab
