#include "app/window/ClaimsMenu.h"

#include "app/window/AnalysisDocks.h"
#include "app/window/BenchmarkPanel.h"
#include "app/window/ClaimVerdicts.h"
#include "views/memory/MemoryCalculatorPanel.h"

namespace kvlab {

ClaimsMenu::ClaimsMenu(AnalysisDocks* docks, QWidget* parent)
    : QMenu(tr("&Claims"), parent)
    , m_docks(docks)
{
    addAction(tr("A &13B model on a 40 GB A100: 65% weights, 30% cache"), this, [this] {
        m_docks->memory()->showPreset(QStringLiteral("OPT-13B"), 2048, 7, QStringLiteral("fp16"), QStringLiteral("A100-40GB"));
        m_docks->showMemory();
        emit claimChecked(ClaimVerdicts::thirteenBOnA100());
    });
    addAction(tr("Llama-3-70B: &2.5 MB of cache per token"), this, [this] {
        m_docks->memory()->showPreset(QStringLiteral("Llama-3-70B"), 4096, 1, QStringLiteral("fp16"), QString(), 64);
        m_docks->showMemory();
        emit claimChecked(ClaimVerdicts::llama3PerToken());
    });
    addSeparator();
    addAction(tr("&5× faster with the cache (100 tokens, GPT-2 small)"), this, [this] {
        m_pending = Pending::Speedup;
        m_docks->benchmark()->setup(QStringLiteral("gpt2-small"), 100, 1);
        m_docks->showBenchmark();
        m_docks->benchmark()->start();
        emit claimChecked(tr("Timing 100 tokens with and without the cache on GPT-2 small's shape…"));
    });
    addAction(tr("The &first token is slower (prefill of 64 prompt tokens)"), this, [this] {
        m_pending = Pending::FirstToken;
        m_docks->benchmark()->setup(QStringLiteral("gpt2-small"), 20, 64);
        m_docks->showBenchmark();
        m_docks->benchmark()->start();
        emit claimChecked(tr("Timing the prefill of 64 prompt tokens and 20 decode steps on GPT-2 small's shape…"));
    });
    connect(m_docks->benchmark(), &BenchmarkPanel::summaryReady, this, [this](const kv::BenchmarkSummary& summary) {
        if (m_pending == Pending::Speedup)
            emit claimChecked(ClaimVerdicts::fiveTimesFaster(summary));
        else if (m_pending == Pending::FirstToken)
            emit claimChecked(ClaimVerdicts::firstTokenSlower(summary));
        m_pending = Pending::None;
    });
}

} // namespace kvlab
