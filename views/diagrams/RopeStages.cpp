#include "views/diagrams/RopeStages.h"

namespace kvlab {

bool rotaryPositions(const Frame& frame)
{
    return frame.lesson->config().position == kv::PositionKind::Rotary;
}

const kv::RotaryTable& rotaryTable(const Frame& frame)
{
    return frame.lesson->walk->model().rotary();
}

kv::Matrix queriesBeforeRope(const Frame& frame, kv::DecodeMode mode, int queryHead)
{
    const int headDim = frame.lesson->config().headDim();
    const kv::Matrix& all = frame.passHeads(mode).queriesBeforeRope.at(static_cast<std::size_t>(frame.layer));
    return all.middleCols(static_cast<Eigen::Index>(queryHead) * headDim, headDim);
}

kv::Matrix keysBeforeRope(const Frame& frame, kv::DecodeMode mode, int kvHead)
{
    const int headDim = frame.lesson->config().headDim();
    const kv::Matrix& all = frame.passHeads(mode).keysBeforeRope.at(static_cast<std::size_t>(frame.layer));
    return all.middleCols(static_cast<Eigen::Index>(kvHead) * headDim, headDim);
}

kv::Matrix queriesAfterRope(const Frame& frame, kv::DecodeMode mode, int queryHead)
{
    return frame.headRecord(mode, queryHead).queries;
}

kv::Matrix keysAfterRope(const Frame& frame, kv::DecodeMode mode, int kvHead)
{
    // Any query head of the group reads the same keys; the pass's rows start at appendedFrom.
    const int queryHead = kvHead * frame.lesson->config().queriesPerKvHead();
    const kv::HeadRecord& head = frame.headRecord(mode, queryHead);
    return head.keys.middleRows(head.appendedFrom, head.queries.rows());
}

kv::Matrix ropeAngles(const Frame& frame, kv::DecodeMode mode)
{
    const kv::RotaryTable& table = rotaryTable(frame);
    const std::vector<int>& positions = frame.record(mode).positions;
    kv::Matrix angles(static_cast<Eigen::Index>(positions.size()), table.pairs());
    for (Eigen::Index r = 0; r < angles.rows(); ++r)
        for (int i = 0; i < table.pairs(); ++i)
            angles(r, i) = static_cast<float>(table.angle(positions[static_cast<std::size_t>(r)], i));
    return angles;
}

} // namespace kvlab
