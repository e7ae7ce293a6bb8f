#include "views/playback/Phase.h"

#include <QCoreApplication>

namespace kvlab {

QString phaseName(Phase phase)
{
    switch (phase) {
    case Phase::TokenIn:
        return QCoreApplication::translate("Phase", "Token in");
    case Phase::Project:
        return QCoreApplication::translate("Phase", "Project q, k, v");
    case Phase::Rotate:
        return QCoreApplication::translate("Phase", "Rotate q, k (RoPE)");
    case Phase::Append:
        return QCoreApplication::translate("Phase", "Append to cache");
    case Phase::Scores:
        return QCoreApplication::translate("Phase", "Scores");
    case Phase::Softmax:
        return QCoreApplication::translate("Phase", "Softmax");
    case Phase::Mix:
        return QCoreApplication::translate("Phase", "Mix values");
    case Phase::NextToken:
        return QCoreApplication::translate("Phase", "Next token");
    }
    return {};
}

} // namespace kvlab
