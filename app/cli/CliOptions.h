#pragma once

#include "core/decode/SamplingSettings.h"

#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

namespace kv {
class Tokenizer;
}

namespace kvlab {

// What the command line asked for. Parsing never exits the process: errors
// come back as text so the caller can print them and return exit code 2.
struct CliOptions {
    enum class Mode { Window, Text };
    // The View menu's arrangements of the two panes.
    enum class PaneLayout { Side, Stacked, UncachedOnly, CachedOnly };

    Mode mode = Mode::Window;
    QString prompt = QStringLiteral("I");
    bool promptGiven = false; // --prompt was on the command line (it may be empty: BOS alone)
    QString modelDir;     // empty: the shipped tiny-mha model
    QString tokenizerPath; // --tokenizer: a llama2.c tokenizer.bin for a .bin model; empty: the model's own
    int maxNewTokens = 0; // 0: until [EOS] or the context is full
    kv::SamplingSettings sampling;
    int startStep = 0;     // window: open at this step...
    int startPhase = 1;    // ...and phase (1..7, 1..8 with RoPE's Rotate)
    QString screenshotPath; // window: save a grab of the window here, then quit
    bool presentation = false; // window: start in presentation mode
    bool midAnimation = false; // --screenshot: grab while the phase's animation runs
    QString theme;             // window: "light" or "dark"; empty keeps the saved one
    QSize windowSize;          // window: this size, not the saved geometry (also in presentation); invalid: none
    std::optional<PaneLayout> paneLayout; // window: this arrangement; none keeps the default
    QStringList docks;         // window: open these docks (kDockNames); empty keeps the saved ones
    static const QStringList kDockNames; // sampling, charts, memory, benchmark, cache, heads
    bool helpRequested = false;
    bool versionRequested = false;
    QString helpText;

    struct Result;
    static Result parse(const QStringList& arguments);

    // The prompt a walk-through starts from when none is given: "I", or BOS
    // alone (the empty prompt, as llama2.c's run.c starts) for a model whose
    // tokens are only ids (a llama2.c checkpoint without its tokenizer.bin).
    static QString defaultPrompt(const kv::Tokenizer& tokenizer);
};

struct CliOptions::Result {
    std::optional<CliOptions> options;
    QString error;
};

} // namespace kvlab
