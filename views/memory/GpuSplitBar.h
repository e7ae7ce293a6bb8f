#pragma once

#include "core/lab/MemoryCalculator.h"
#include "views/style/Theme.h"

#include <QWidget>

#include <optional>

namespace kvlab {

// A GPU's memory as one bar: the weights, the KV cache and what is left.
// When the two do not fit, the bar runs past a red line at the card's size.
class GpuSplitBar : public QWidget {
    Q_OBJECT

public:
    explicit GpuSplitBar(QWidget* parent = nullptr);
    void setSplit(const std::optional<kv::MemoryCalculator::GpuSplit>& split);
    void setTheme(const Theme& theme);
    QSize sizeHint() const override;

    static void paint(QPainter& painter, const QRectF& area, const kv::MemoryCalculator::GpuSplit& split,
                      const Theme& theme);

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<kv::MemoryCalculator::GpuSplit> m_split;
    Theme m_theme = Theme::light();
};

} // namespace kvlab
