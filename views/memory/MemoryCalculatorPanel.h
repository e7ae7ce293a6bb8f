#pragma once

#include "views/memory/MemoryReport.h"
#include "core/model/ModelConfig.h"
#include "views/style/Theme.h"

#include <QWidget>

#include <optional>

class QBoxLayout;
class QScrollArea;

namespace kvlab {

class MemoryChart;
class MemoryFigures;
class MemoryInputs;

// The KV memory calculator: inputs on the left (see MemoryInputs); on the
// right the formula filled in, the figures, the GPU's split and two charts,
// memory vs context for the MHA / own / MQA variants of the model and memory
// vs batch. Every figure comes from kv::MemoryCalculator. A bad input shows
// the calculator's message in red and leaves the last valid figures in place.
// Wide, the inputs sit beside the figures and the charts side by side; in a
// narrow dock everything stacks and scrolls.
class MemoryCalculatorPanel : public QWidget {
    Q_OBJECT

public:
    explicit MemoryCalculatorPanel(QWidget* parent = nullptr);

    // The model the app runs. "the live model" shows it at the cache the core
    // allocates for it (fp32, its full context, batch 1).
    void setLiveModel(const kv::ModelConfig& config);
    void setTheme(const Theme& theme);
    // Sets every input at once, for the "Claims" menu. `name` is a preset,
    // "the live model" or "Custom"; `gpu` is empty or "none" for no GPU, else a
    // GPU preset ("A100 40 GB" or "A100-40GB"); `kvHeads` 0 keeps the model's
    // own. An unknown name changes nothing, shows the error and returns false.
    bool showPreset(const QString& name, int context, int batch, const QString& dtype, const QString& gpu,
                    int kvHeads = 0);

    // What is on screen: the last valid input's figures (none before the first).
    const std::optional<MemoryReport>& report() const { return m_report; }
    std::int64_t bytesPerToken() const;
    std::int64_t totalBytes() const;
    QString formulaText() const;
    QString errorText() const; // empty while the input is valid
    QStringList notes() const;
    MemoryInputs* inputs() const { return m_inputs; }
    MemoryFigures* figures() const { return m_figures; }
    MemoryChart* contextChart() const { return m_contextChart; }
    MemoryChart* batchChart() const { return m_batchChart; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void arrange(int width);
    void recompute();
    void showCharts(const MemoryReport& report);
    QStringList panelNotes(const MemoryReport& report) const;

    QScrollArea* m_scroll;
    QBoxLayout* m_top;    // inputs | figures
    QBoxLayout* m_charts; // context | batch
    MemoryInputs* m_inputs;
    MemoryFigures* m_figures;
    MemoryChart* m_contextChart;
    MemoryChart* m_batchChart;
    std::optional<MemoryReport> m_report;
    Theme m_theme = Theme::light();
};

} // namespace kvlab
