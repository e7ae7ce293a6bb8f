#pragma once

#include "views/diagrams/MatrixSpec.h"

#include <vector>

namespace kvlab {

// The tokens a pane draws when the whole sequence does not fit at a legible
// size: the first few (the prompt's start stays in view), one band standing
// for the hidden middle, then the newest tokens up to the current one (the
// focus follows the step). With room for every token it is the identity.
class SequenceWindow {
public:
    static SequenceWindow all(int length);
    // `shown` tokens of `length` (the band comes on top); `first` of them lead.
    static SequenceWindow around(int length, int shown, int first = 2);

    // Per drawn slot, the key (sequence) index it shows; -1 is the band.
    const std::vector<int>& keySlots() const { return m_slots; }
    int length() const { return m_length; }
    int hidden() const { return m_hidden; }
    bool elides() const { return m_hidden > 0; }
    bool shows(int key) const;

    // The query rows drawn: `blocks` stacked heads of `perBlock` rows, row q of
    // a block being key appendedFrom + q; -1 for a band inside a block.
    std::vector<int> querySlots(int perBlock, int blocks, int appendedFrom) const;

    // `spec` with only the drawn rows and columns, bands in place.
    MatrixSpec apply(const MatrixSpec& spec, int perBlock, int blocks, int appendedFrom) const;

private:
    int m_length = 0;
    int m_hidden = 0;
    std::vector<int> m_slots;
};

} // namespace kvlab
