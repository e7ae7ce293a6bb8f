#include "core/io/LoadError.h"
#include "core/tokenizer/ByteLevelBpeTokenizer.h"
#include "core/tokenizer/SentencePieceBpeTokenizer.h"
#include "core/tokenizer/TokenizeError.h"
#include "core/tokenizer/TokenizerJson.h"
#include "core/tokenizer/TokenizerLoader.h"
#include "core/tokenizer/WordTokenizer.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using namespace kv;
using Json = nlohmann::json;

namespace {

const std::string gpt2Dir = std::string(KVLAB_SHARED_DATA) + "/gpt2";

struct Case {
    std::string text;
    std::vector<int> ids;
};

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

// The eight texts and the ids two public implementations give them.
std::vector<Case> referenceCases()
{
    const Json json = Json::parse(readText(gpt2Dir + "/encodings.json"));
    std::vector<Case> cases;
    for (const Json& entry : json.at("cases"))
        cases.push_back({entry.at("text").get<std::string>(), entry.at("ids").get<std::vector<int>>()});
    return cases;
}

// GPT-2's tokenizer.json as Hugging Face writes it, from vocab.json and
// merges.txt: merges as "a b" strings, or as ["a", "b"] pairs.
Json gpt2TokenizerJson(bool pairMerges)
{
    Json merges = Json::array();
    std::istringstream lines(readText(gpt2Dir + "/merges.txt"));
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line.rfind("#version", 0) == 0)
            continue;
        const std::size_t space = line.find(' ');
        if (pairMerges)
            merges.push_back(Json::array({line.substr(0, space), line.substr(space + 1)}));
        else
            merges.push_back(line);
    }
    const Json byteLevel = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
    return {{"version", "1.0"},
            {"added_tokens",
             Json::array({{{"id", 50256}, {"content", "<|endoftext|>"}, {"single_word", false}, {"lstrip", false},
                           {"rstrip", false}, {"normalized", true}, {"special", true}}})},
            {"normalizer", nullptr},
            {"pre_tokenizer", byteLevel},
            {"post_processor", byteLevel},
            {"decoder", byteLevel},
            {"model",
             {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", ""},
              {"end_of_word_suffix", ""}, {"fuse_unk", false}, {"byte_fallback", false},
              {"vocab", Json::parse(readText(gpt2Dir + "/vocab.json"))}, {"merges", merges}}}};
}

// A SentencePiece-style vocabulary small enough to encode by hand.
//   ids 0-2: <unk> <s> </s>; 3-5: the byte tokens of "€" (E2 82 AC);
//   6: ▁; 7-13: h e l o w r d; then the merges' results, 14 on.
// Merges by rank: 0 "h e"->he(14), 1 "l l"->ll(15), 2 "he ll"->hell(16),
//   3 "hell o"->hello(17), 4 "▁ hello"->▁hello(18), 5 "o r"->or(19),
//   6 "▁ w"->▁w(20), 7 "▁w or"->▁wor(21), 8 "▁wor l"->▁worl(22),
//   9 "▁worl d"->▁world(23), 10 "l o"->lo(24).
Json sentencePieceJson(bool metaspace)
{
    const std::vector<std::string> pieces{"<unk>", "<s>", "</s>", "<0xE2>", "<0x82>", "<0xAC>", "▁", "h", "e",
                                          "l", "o", "w", "r", "d", "he", "ll", "hell", "hello", "▁hello", "or",
                                          "▁w", "▁wor", "▁worl", "▁world", "lo"};
    Json vocab = Json::object();
    for (std::size_t id = 0; id < pieces.size(); ++id)
        vocab[pieces[id]] = id;
    const Json merges = {"h e", "l l", "he ll", "hell o", "▁ hello", "o r", "▁ w", "▁w or", "▁wor l", "▁worl d", "l o"};
    Json added = Json::array();
    for (int id = 0; id < 3; ++id)
        added.push_back({{"id", id}, {"content", pieces[static_cast<std::size_t>(id)]}, {"single_word", false},
                         {"lstrip", false}, {"rstrip", false}, {"normalized", false}, {"special", true}});
    Json json = {
        {"version", "1.0"},
        {"added_tokens", added},
        {"normalizer", {{"type", "Sequence"},
                        {"normalizers",
                         {{{"type", "Prepend"}, {"prepend", "▁"}},
                          {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "▁"}}}}}},
        {"pre_tokenizer", nullptr},
        {"post_processor",
         {{"type", "TemplateProcessing"},
          {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
          {"pair", Json::array()},
          {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}}},
        {"model",
         {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", "<unk>"}, {"fuse_unk", true}, {"byte_fallback", true},
          {"vocab", vocab}, {"merges", merges}}}};
    if (metaspace) {
        json["normalizer"] = nullptr;
        json["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "▁"}, {"prepend_scheme", "first"}, {"split", true}};
    }
    return json;
}

// A byte-level tokenizer.json over GPT-2's alphabet alone (ids 0-255, no
// merges) with `preTokenizer`: every byte is its own token, so the ids show
// where the pre-tokenizer cut, not what merged.
Json bytesOnlyJson(const Json& preTokenizer)
{
    Json vocab = Json::object();
    const ByteLevelAlphabet alphabet;
    for (int byte = 0; byte < 256; ++byte)
        vocab[alphabet.character(static_cast<unsigned char>(byte))] = byte;
    return {{"pre_tokenizer", preTokenizer}, {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", Json::array()}}}};
}

bool haveReference()
{
    return std::filesystem::exists(gpt2Dir + "/encodings.json");
}

QString idsText(const std::vector<int>& ids)
{
    QStringList parts;
    for (const int id : ids)
        parts << QString::number(id);
    return parts.join(',');
}

} // namespace

class TestBpeTokenizer : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

    void compareWithReference(const Tokenizer& tokenizer)
    {
        const std::vector<Case> cases = referenceCases();
        QCOMPARE(cases.size(), std::size_t(8));
        for (const Case& item : cases) {
            const std::vector<int> ids = tokenizer.encode(item.text);
            QVERIFY2(ids == item.ids, qPrintable(QString::fromStdString(item.text) + ": got " + idsText(ids) +
                                                 ", expected " + idsText(item.ids)));
            QCOMPARE(tokenizer.decode(ids), item.text);
        }
    }

private slots:
    void vocabAndMergesReproduceTheReference()
    {
        if (!haveReference())
            QSKIP("../shared/data/gpt2 is absent: no GPT-2 reference encodings to compare with");
        const auto tokenizer =
            ByteLevelBpeTokenizer::fromVocabAndMerges(gpt2Dir + "/vocab.json", gpt2Dir + "/merges.txt");
        QCOMPARE(tokenizer.size(), 50257);
        QCOMPARE(tokenizer.model().mergeCount(), std::size_t(50000));
        QCOMPARE(tokenizer.eosId(), 50256);
        QCOMPARE(tokenizer.bosId(), -1);
        compareWithReference(tokenizer);
    }

    void tokenizerJsonReproducesTheReference_data()
    {
        QTest::addColumn<bool>("pairMerges");
        QTest::newRow("merges as \"a b\" strings") << false;
        QTest::newRow("merges as [a, b] pairs") << true;
    }

    void tokenizerJsonReproducesTheReference()
    {
        QFETCH(bool, pairMerges);
        if (!haveReference())
            QSKIP("../shared/data/gpt2 is absent: no GPT-2 reference encodings to compare with");
        writeText(path("tokenizer.json"), gpt2TokenizerJson(pairMerges).dump());
        const auto tokenizer = TokenizerJson::load(path("tokenizer.json"));
        QVERIFY(dynamic_cast<const ByteLevelBpeTokenizer*>(tokenizer.get()));
        QCOMPARE(tokenizer->eosId(), 50256);
        compareWithReference(*tokenizer);
    }

    void specialTokensAreMatchedBeforePreTokenization()
    {
        if (!haveReference())
            QSKIP("../shared/data/gpt2 is absent");
        const auto tokenizer =
            ByteLevelBpeTokenizer::fromVocabAndMerges(gpt2Dir + "/vocab.json", gpt2Dir + "/merges.txt");
        std::vector<int> expected = tokenizer.encode("Hello");
        expected.push_back(50256);
        const std::vector<int> world = tokenizer.encode(" world");
        expected.insert(expected.end(), world.begin(), world.end());
        QCOMPARE(tokenizer.encode("Hello<|endoftext|> world"), expected);
        QCOMPARE(expected, (std::vector<int>{15496, 50256, 995})); // " world" is 995 in the reference
        QCOMPARE(tokenizer.decode(expected), std::string("Hello<|endoftext|> world"));
        QCOMPARE(tokenizer.token(50256), std::string("<|endoftext|>"));
    }

    void tokensReadAsText()
    {
        if (!haveReference())
            QSKIP("../shared/data/gpt2 is absent");
        const auto tokenizer =
            ByteLevelBpeTokenizer::fromVocabAndMerges(gpt2Dir + "/vocab.json", gpt2Dir + "/merges.txt");
        QCOMPARE(tokenizer.token(995), std::string("␣world")); // vocab.json spells it "Ġworld"
        QCOMPARE(tokenizer.token(220), std::string("␣"));      // "Ġ"
        QCOMPARE(tokenizer.token(198), std::string("↵"));      // "Ċ"
        QCOMPARE(tokenizer.token(15496), std::string("Hello"));
        // "Ã" is byte 0xC3 alone, half of a two-byte character: shown as the byte.
        QCOMPARE(tokenizer.token(*tokenizer.find("Ã")), std::string("<0xC3>"));
        // The three reference tokens of "naïve café" read as their text.
        QCOMPARE(tokenizer.token(2616) + tokenizer.token(38776) + tokenizer.token(40304), std::string("naïve␣café"));
        QCOMPARE(tokenizer.find("Ġworld"), std::optional<int>(995));
    }

    void decodeRepairsSplitCharacters()
    {
        if (!haveReference())
            QSKIP("../shared/data/gpt2 is absent");
        const auto tokenizer =
            ByteLevelBpeTokenizer::fromVocabAndMerges(gpt2Dir + "/vocab.json", gpt2Dir + "/merges.txt");
        // Byte 0xC3 without its continuation is no character: U+FFFD, as Hugging Face shows it.
        QCOMPARE(tokenizer.decode({*tokenizer.find("Ã")}), std::string("\xEF\xBF\xBD"));
        QVERIFY_THROWS_EXCEPTION(TokenizeError, tokenizer.decode({50257}));
        QVERIFY_THROWS_EXCEPTION(TokenizeError, tokenizer.encode("bad \xC3 byte"));
    }

    // Qwen2's Split pattern cuts digits one by one and contractions in any
    // case; over a bytes-only vocabulary every byte is a token (id = byte).
    void splitPreTokenizerUsesTheFilesPattern()
    {
        const std::string qwen2 = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
        const Json preTokenizer = {
            {"type", "Sequence"},
            {"pretokenizers",
             {{{"type", "Split"}, {"pattern", {{"Regex", qwen2}}}, {"behavior", "Isolated"}, {"invert", false}},
              {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}}}}};
        Json json = bytesOnlyJson(preTokenizer);
        // One merge per pair that would join across a cut if the cut were missing:
        // "1 2" (digits together), "N '" ("DON" with "'T"), "' T" (kept: inside a piece).
        json["model"]["vocab"]["12"] = 256;
        json["model"]["vocab"]["N'"] = 257;
        json["model"]["vocab"]["'T"] = 258;
        json["model"]["merges"] = {"1 2", "N '", "' T"};
        writeText(path("qwen2.json"), json.dump());
        const auto tokenizer = TokenizerJson::load(path("qwen2.json"));
        // "12": \p{N} takes one digit a piece, so "1" and "2" never meet.
        QCOMPARE(tokenizer->encode("12"), (std::vector<int>{'1', '2'}));
        // "DON'T": (?i:'t) takes "'T" apart from "DON"; inside it the merge "' T" runs.
        QCOMPARE(tokenizer->encode("DON'T"), (std::vector<int>{'D', 'O', 'N', 258}));
    }

    void byteLevelPreTokenizerCanPrependASpace()
    {
        const Json preTokenizer = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}};
        writeText(path("prefix.json"), bytesOnlyJson(preTokenizer).dump());
        const auto tokenizer = TokenizerJson::load(path("prefix.json"));
        // The space (byte 32) is prepended; GPT-2's pattern keeps " ab" whole.
        QCOMPARE(tokenizer->encode("ab"), (std::vector<int>{32, 'a', 'b'}));
    }

    void digitsPreTokenizerCutsEachDigit()
    {
        Json preTokenizer = {{"type", "Sequence"},
                             {"pretokenizers",
                              {{{"type", "Digits"}, {"individual_digits", true}},
                               {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}}}}};
        Json json = bytesOnlyJson(preTokenizer);
        json["model"]["vocab"]["12"] = 256;
        json["model"]["merges"] = {"1 2"};
        writeText(path("digits.json"), json.dump());
        QCOMPARE(TokenizerJson::load(path("digits.json"))->encode("12"), (std::vector<int>{'1', '2'}));
        json["pre_tokenizer"]["pretokenizers"][0]["individual_digits"] = false;
        writeText(path("digits.json"), json.dump());
        QCOMPARE(TokenizerJson::load(path("digits.json"))->encode("12"), (std::vector<int>{256}));
    }

    void sentencePieceEncodesByRank_data()
    {
        QTest::addColumn<bool>("metaspace");
        QTest::newRow("normalizer Prepend + Replace") << false;
        QTest::newRow("Metaspace pre-tokenizer") << true;
    }

    void sentencePieceEncodesByRank()
    {
        QFETCH(bool, metaspace);
        writeText(path("sp.json"), sentencePieceJson(metaspace).dump());
        const auto tokenizer = TokenizerJson::load(path("sp.json"));
        QVERIFY(dynamic_cast<const SentencePieceBpeTokenizer*>(tokenizer.get()));
        QCOMPARE(tokenizer->bosId(), 1);
        QCOMPARE(tokenizer->eosId(), 2);
        // "▁hello▁world": he, ll, hell, hello, ▁hello by ranks 0-4; then or,
        // ▁w, ▁wor, ▁worl, ▁world (5-9). "l o" (rank 10) never runs: "ll"
        // (rank 1) took the first l. BOS 1 from the template.
        QCOMPARE(tokenizer->encode("hello world"), (std::vector<int>{1, 18, 23}));
        // "lo" alone: only "l o" applies; ▁ stays a token of its own (6).
        QCOMPARE(tokenizer->encode("lo"), (std::vector<int>{1, 6, 24}));
        // "€" is not in the vocabulary: its UTF-8 bytes E2 82 AC as <0xXX> (3, 4, 5).
        QCOMPARE(tokenizer->encode("hello €"), (std::vector<int>{1, 18, 6, 3, 4, 5}));
        // "ü" (C3 BC) has no byte tokens: the unknown token, twice fused into one.
        QCOMPARE(tokenizer->encode("üü"), (std::vector<int>{1, 6, 0}));
        QCOMPARE(tokenizer->decode({18, 23}), std::string("hello world"));
        QCOMPARE(tokenizer->decode({18, 6, 3, 4, 5}), std::string("hello €"));
        QCOMPARE(tokenizer->decode({1, 18, 23}), std::string("<s> hello world"));
        QCOMPARE(tokenizer->token(18), std::string("␣hello"));
        QCOMPARE(tokenizer->token(3), std::string("<0xE2>"));
        QCOMPARE(tokenizer->token(1), std::string("<s>"));
    }

    void sentencePieceWithoutFallbackNamesTheCharacter()
    {
        Json json = sentencePieceJson(false);
        json["model"]["byte_fallback"] = false;
        json["model"]["unk_token"] = nullptr;
        writeText(path("strict.json"), json.dump());
        const auto tokenizer = TokenizerJson::load(path("strict.json"));
        QVERIFY(!tokenizer->encodesAnyText());
        try {
            tokenizer->encode("hello €");
            QFAIL("no error");
        } catch (const TokenizeError& error) {
            QVERIFY2(QString(error.what()).contains("\"€\""), error.what());
        }
    }

    void malformedFilesAreNamedErrors_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        const auto mutated = [](const std::function<void(Json&)>& change) {
            Json json = sentencePieceJson(false);
            change(json);
            return QByteArray::fromStdString(json.dump());
        };
        QTest::newRow("not JSON") << QByteArray("{\"model\": ") << "is not valid JSON: it ends too early";
        QTest::newRow("no model") << QByteArray("{}") << "model is missing";
        QTest::newRow("number beyond 64 bits") << QByteArray("{\"model\": 3333286e0934}") << "a number too large to read";
        QTest::newRow("no vocab") << mutated([](Json& j) { j["model"].erase("vocab"); }) << "model.vocab is missing";
        QTest::newRow("vocab not an object") << mutated([](Json& j) { j["model"]["vocab"] = 3; })
                                             << "model.vocab: expected an object";
        QTest::newRow("id not a number") << mutated([](Json& j) { j["model"]["vocab"]["h"] = "7"; })
                                         << "model.vocab[\"h\"]: expected an integer";
        QTest::newRow("repeated id") << mutated([](Json& j) { j["model"]["vocab"]["h"] = 8; }) << "appears twice";
        QTest::newRow("huge id") << mutated([](Json& j) { j["model"]["vocab"]["h"] = 2000000000; })
                                 << "token \"h\" has id 2000000000";
        QTest::newRow("unknown merge part") << mutated([](Json& j) { j["model"]["merges"][2] = "he zz"; })
                                            << "model.merges[2]: the merge \"he zz\" names \"zz\", which is not in model.vocab";
        QTest::newRow("merge result missing") << mutated([](Json& j) { j["model"]["merges"][0] = "e h"; })
                                              << "model.merges[0]: the merge \"e h\" names \"eh\"";
        QTest::newRow("merge of three") << mutated([](Json& j) { j["model"]["merges"][0] = "h e l"; })
                                        << "model.merges[0]: \"h e l\" is not two pieces";
        QTest::newRow("WordPiece") << mutated([](Json& j) { j["model"]["type"] = "WordPiece"; })
                                   << "model.type: \"WordPiece\" is not supported";
        QTest::newRow("Unigram") << mutated([](Json& j) { j["model"]["type"] = "Unigram"; })
                                 << "model.type: \"Unigram\" is not supported";
        QTest::newRow("dropout") << mutated([](Json& j) { j["model"]["dropout"] = 0.1; }) << "model.dropout";
        QTest::newRow("unknown pre-tokenizer")
            << mutated([](Json& j) { j["pre_tokenizer"] = {{"type", "Whitespace"}}; })
            << "pre_tokenizer.type: the pre-tokenizer \"Whitespace\" is not supported";
        QTest::newRow("unknown normalizer")
            << mutated([](Json& j) { j["normalizer"]["normalizers"][1] = {{"type", "Lowercase"}}; })
            << "normalizer.normalizers[1].type: the normalizer \"Lowercase\" is not supported";
        QTest::newRow("bad regex")
            << mutated([](Json& j) {
                   j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "(\\p{L}"}}}, {"behavior", "Isolated"}};
               })
            << "pre_tokenizer.pattern.Regex: the pattern does not compile";
        QTest::newRow("unknown unk") << mutated([](Json& j) { j["model"]["unk_token"] = "<?>"; })
                                     << "model.unk_token: \"<?>\" is not in model.vocab";
        QTest::newRow("template token missing")
            << mutated([](Json& j) { j["post_processor"]["special_tokens"].erase("<s>"); })
            << "post_processor.special_tokens: \"<s>\", which the template names, is missing";
        QTest::newRow("added token far away")
            << mutated([](Json& j) { j["added_tokens"][0]["id"] = 100000000; }) << "added_tokens: \"<unk>\" has id 100000000";
        QTest::newRow("neither kind") << mutated([](Json& j) {
            j["normalizer"] = nullptr;
            j["model"]["byte_fallback"] = false;
        }) << "this BPE variant is not supported";
    }

    void malformedFilesAreNamedErrors()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        writeText(path("bad.json"), content.toStdString());
        try {
            TokenizerJson::load(path("bad.json"));
            QFAIL("no error");
        } catch (const LoadError& error) {
            QCOMPARE(error.file(), path("bad.json"));
            QVERIFY2(QString::fromStdString(error.problem()).contains(expected), error.what());
        }
    }

    void malformedMergesTxtIsNamed()
    {
        writeText(path("vocab.json"), R"({"a": 0, "b": 1, "ab": 2})");
        writeText(path("merges.txt"), "#version: 0.2\na b\na c\n");
        try {
            ByteLevelBpeTokenizer::fromVocabAndMerges(path("vocab.json"), path("merges.txt"));
            QFAIL("no error");
        } catch (const LoadError& error) {
            QCOMPARE(error.file(), path("merges.txt"));
            QVERIFY2(QString(error.what()).contains("line 3: the merge \"a c\" names \"c\""), error.what());
        }
        writeText(path("merges.txt"), "a b\nab\n");
        QVERIFY_THROWS_EXCEPTION(LoadError, ByteLevelBpeTokenizer::fromVocabAndMerges(path("vocab.json"), path("merges.txt")));
        // Every merge is known, but byte-level needs a token for each of the 256 bytes.
        writeText(path("merges.txt"), "a b\n");
        try {
            ByteLevelBpeTokenizer::fromVocabAndMerges(path("vocab.json"), path("merges.txt"));
            QFAIL("no error");
        } catch (const LoadError& error) {
            QCOMPARE(error.file(), path("vocab.json"));
            QVERIFY2(QString(error.what()).contains("no token for byte 0"), error.what());
        }
    }

    void loadTokenizerPicksByFiles()
    {
        QTemporaryDir folder;
        const std::string dir = folder.path().toStdString();
        QVERIFY_THROWS_EXCEPTION(LoadError, loadTokenizer(dir));

        // vocab.txt: the shipped models' word-level vocabulary.
        std::filesystem::copy_file(std::string(KVLAB_ASSETS_DIR) + "/models/tiny-mha/vocab.txt", dir + "/vocab.txt");
        QVERIFY(dynamic_cast<const WordTokenizer*>(loadTokenizer(dir).get()));

        if (haveReference()) {
            // vocab.json + merges.txt wins over vocab.txt.
            std::filesystem::copy_file(gpt2Dir + "/vocab.json", dir + "/vocab.json");
            std::filesystem::copy_file(gpt2Dir + "/merges.txt", dir + "/merges.txt");
            const auto pair = loadTokenizer(dir);
            QVERIFY(dynamic_cast<const ByteLevelBpeTokenizer*>(pair.get()));
            QCOMPARE(pair->encode("Hello world"), (std::vector<int>{15496, 995}));
        }

        // tokenizer.json wins over both; tokenizer_config.json names the end token.
        writeText(dir + "/tokenizer.json", sentencePieceJson(false).dump());
        writeText(dir + "/tokenizer_config.json", R"({"eos_token": {"content": "<unk>"}})");
        const auto json = loadTokenizer(dir);
        QVERIFY(dynamic_cast<const SentencePieceBpeTokenizer*>(json.get()));
        QCOMPARE(json->eosId(), 0);
    }

    // Encode throughput on 1 MB of English-like text (GPT-2's tokenizer):
    // reported, never asserted. Words are drawn at random so that no piece
    // repeats in a pattern a cache could exploit.
    void encodeThroughput()
    {
        if (!haveReference())
            QSKIP("../shared/data/gpt2 is absent");
        const auto tokenizer =
            ByteLevelBpeTokenizer::fromVocabAndMerges(gpt2Dir + "/vocab.json", gpt2Dir + "/merges.txt");
        const std::vector<std::string> words{
            "the", "cache", "stores", "keys", "and", "values", "of", "every", "token", "so", "that", "attention",
            "never", "recomputes", "them;", "a", "model", "with", "12", "layers", "and", "768", "dimensions",
            "holds", "about", "36", "kB", "per", "token.", "Naïve", "decoding", "recomputes", "everything:",
            "quadratic", "work!", "Don't", "we've", "café", "\"quoted\"", "(aside)", "1,024", "positions\n"};
        std::mt19937 random(14);
        std::string text;
        while (text.size() < 1'000'000)
            text += words[random() % words.size()] + ' ';
        QElapsedTimer timer;
        timer.start();
        const std::size_t count = tokenizer.encode(text).size();
        const double seconds = timer.nsecsElapsed() * 1e-9;
        QVERIFY(count > 0);
        qInfo("GPT-2 encode: %.2f MB of text, %zu tokens in %.3f s: %.1f MB/s", text.size() / 1e6, count, seconds,
              text.size() / 1e6 / seconds);
        QBENCHMARK {
            tokenizer.encode(text);
        }
    }
};

QTEST_GUILESS_MAIN(TestBpeTokenizer)
#include "tst_bpetokenizer.moc"
