#pragma once

#include <cstddef>

namespace kv {

// The numbers at the start of a llama2.c .bin checkpoint. Version 0 (legacy)
// is 7 int32 and marks an unshared classifier by a negative vocabulary size;
// version 1 is the magic "ak42", the version, the same 7 int32 and a uint8
// shared-classifier flag, padded to 256 bytes. Both hold float32 weights.
struct Llama2cHeader {
    int version = 0;
    int dim = 0;        // the model width d
    int hiddenDim = 0;  // the SwiGLU MLP's inner width
    int nLayers = 0;
    int nHeads = 0;
    int nKvHeads = 0;
    int vocabSize = 0;  // always positive here; the legacy sign is `sharedClassifier`
    int seqLen = 0;     // the context the model was trained for
    bool sharedClassifier = true; // the LM head is the token embedding
    std::size_t bytes = 0;        // the header's own size: 28 or 256

    int headSize() const { return dim / nHeads; }
};

} // namespace kv
