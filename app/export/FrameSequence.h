#pragma once

#include "app/export/ExportSettings.h"
#include "views/playback/Frame.h"

#include <QString>

#include <utility>
#include <vector>

namespace kvlab {

// The frames an export paints, in order, each with the name of the file it
// goes to (without extension): step-03 (a whole step: its last phase),
// step-03-p4 (phase 4 of step 3), or frame-00001 (the animation).
class FrameSequence {
public:
    struct Page {
        Frame frame;
        QString baseName;
    };

    // `current` carries the lesson, theme, layer, head and selection; for
    // Steps::Current also the step and phase.
    static std::vector<Page> pages(const ExportSettings& settings, const Frame& current);
    // The first and last step asked for (not checked against the lesson).
    static std::pair<int, int> stepRange(const ExportSettings& settings, const Frame& current);

    // The animation: a phase lasts 1.2 s, as in the window at normal speed;
    // its progress eases from 0 to 1 over the first 60 % and then holds.
    static int framesPerPhase(int fps);
    static double progressAt(int frame, int framesInPhase);

private:
    static Frame at(const Frame& current, int step, Phase phase, double progress);
    static QString stepFileName(int step);
    static QString phaseFileName(int step, int phaseNumber); // phaseNumber in the lesson's PhaseList
    static std::vector<Page> stills(const ExportSettings& settings, const Frame& current);
    static std::vector<Page> animation(const ExportSettings& settings, const Frame& current);
};

} // namespace kvlab
