#pragma once

#include <QMenu>

namespace kvlab {

class AnalysisDocks;

// "Claims": each seed claim sets up the calculator or the benchmark and
// states its verdict from the app's own figures (claimChecked).
class ClaimsMenu : public QMenu {
    Q_OBJECT

public:
    ClaimsMenu(AnalysisDocks* docks, QWidget* parent = nullptr);

signals:
    void claimChecked(const QString& verdict);

private:
    enum class Pending { None, Speedup, FirstToken };

    AnalysisDocks* m_docks;
    Pending m_pending = Pending::None;
};

} // namespace kvlab
