#pragma once

#include "core/tokenizer/Tokenizer.h"

#include <string>
#include <vector>

namespace kv {

// A vocabulary known only by its size and its BOS/EOS ids, for a checkpoint
// that came without a tokenizer file (llama2.c's stories260K has none):
// every token is shown as its id, "#17". A prompt is written as ids too
// ("#461 #401"), BOS first; the empty prompt is BOS alone, as in run.c.
class IdTokenizer : public Tokenizer {
public:
    IdTokenizer(int size, int bosId, int eosId);

    // Throws TokenizeError at the first word that is not "#N" with 0 <= N < size.
    std::vector<int> encode(const std::string& text) const override;
    // The ids as "#N" separated by spaces, BOS included.
    std::string decode(const std::vector<int>& ids) const override;
    std::string token(int id) const override;

    int size() const override { return m_size; }
    int eosId() const override { return m_eosId; }
    int bosId() const override { return m_bosId; }
    bool encodesAnyText() const override { return false; }
    std::optional<int> find(const std::string& piece) const override;

private:
    int m_size;
    int m_bosId;
    int m_eosId;
};

} // namespace kv
