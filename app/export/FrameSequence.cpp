#include "app/export/FrameSequence.h"

#include <QEasingCurve>

#include <cmath>

namespace kvlab {

namespace {

constexpr double kPhaseSeconds = 1.2;
constexpr double kAnimatedShare = 0.6;

} // namespace

std::vector<FrameSequence::Page> FrameSequence::pages(const ExportSettings& settings, const Frame& current)
{
    return settings.animation ? animation(settings, current) : stills(settings, current);
}

std::pair<int, int> FrameSequence::stepRange(const ExportSettings& settings, const Frame& current)
{
    switch (settings.steps) {
    case ExportSettings::Steps::Current:
        return {current.step, current.step};
    case ExportSettings::Steps::Range:
        return {settings.firstStep, settings.lastStep};
    case ExportSettings::Steps::All:
        break;
    }
    return {0, current.lesson ? current.lesson->stepCount() - 1 : -1};
}

int FrameSequence::framesPerPhase(int fps)
{
    return std::max(1, static_cast<int>(std::lround(fps * kPhaseSeconds)));
}

double FrameSequence::progressAt(int frame, int framesInPhase)
{
    const double animated = framesInPhase * kAnimatedShare;
    if (animated < 1)
        return 1.0;
    return QEasingCurve(QEasingCurve::OutCubic).valueForProgress(std::min(1.0, frame / animated));
}

Frame FrameSequence::at(const Frame& current, int step, Phase phase, double progress)
{
    Frame frame = current;
    frame.step = step;
    frame.phase = phase;
    frame.progress = progress;
    // A token selected further on does not exist yet at an earlier step.
    if (frame.valid() && frame.selectedToken >= static_cast<int>(frame.record(kv::DecodeMode::Cached).keyTokens.size()))
        frame.selectedToken = -1;
    return frame;
}

QString FrameSequence::stepFileName(int step)
{
    return QStringLiteral("step-%1").arg(step, 2, 10, QLatin1Char('0'));
}

QString FrameSequence::phaseFileName(int step, int phaseNumber)
{
    return stepFileName(step) + QStringLiteral("-p%1").arg(phaseNumber + 1);
}

std::vector<FrameSequence::Page> FrameSequence::stills(const ExportSettings& settings, const Frame& current)
{
    std::vector<Page> result;
    if (settings.steps == ExportSettings::Steps::Current && !settings.perPhase) {
        // The frame as shown; named as a whole step only when it is one.
        const bool wholeStep = current.phase == Phase::NextToken;
        const QString name = wholeStep ? stepFileName(current.step) : phaseFileName(current.step, current.phaseNumber());
        result.push_back({at(current, current.step, current.phase, 1.0), name});
        return result;
    }
    const auto [first, last] = stepRange(settings, current);
    for (int step = first; step <= last; ++step) {
        if (!settings.perPhase) {
            result.push_back({at(current, step, Phase::NextToken, 1.0), stepFileName(step)});
            continue;
        }
        for (int index = 0; index < current.phases().count(); ++index)
            result.push_back({at(current, step, current.phases().at(index), 1.0), phaseFileName(step, index)});
    }
    return result;
}

std::vector<FrameSequence::Page> FrameSequence::animation(const ExportSettings& settings, const Frame& current)
{
    std::vector<Page> result;
    const auto [first, last] = stepRange(settings, current);
    const int perPhase = framesPerPhase(settings.fps);
    for (int step = first; step <= last; ++step)
        for (int index = 0; index < current.phases().count(); ++index)
            for (int i = 0; i < perPhase; ++i)
                result.push_back({at(current, step, current.phases().at(index), progressAt(i, perPhase)),
                                  QStringLiteral("frame-%1").arg(result.size() + 1, 5, 10, QLatin1Char('0'))});
    return result;
}

} // namespace kvlab
