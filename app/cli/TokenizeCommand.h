#pragma once

#include <QStringList>

#include <ostream>
#include <string>
#include <vector>

namespace kv {
class Tokenizer;
}

namespace kvlab {

// `kvcache-lab --tokenize TEXT [--model DIR]`: the ids and pieces the
// model's tokenizer gives TEXT, as two lines:
//   ids: 40,2497,257
//   pieces: I|␣saw|␣a
// A piece is shown as the token strip shows it (a space as ␣, a newline as
// ↵, a tab as ⇥, a stray byte as <0xC3>); pieces are separated by "|", and a
// "|" or "\" inside a piece is written "\|" or "\\". `arguments` are those
// after --tokenize. Returns 0, 1 when the model or the text cannot be read
// (one message on `err`), 2 for a usage error.
int runTokenizeCommand(const QStringList& arguments, std::ostream& out, std::ostream& err);

// The "pieces:" line's value for `ids`.
std::string tokenizePiecesLine(const kv::Tokenizer& tokenizer, const std::vector<int>& ids);

} // namespace kvlab
