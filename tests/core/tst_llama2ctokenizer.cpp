#include "core/io/LoadError.h"
#include "core/tokenizer/Llama2cTokenizer.h"
#include "core/tokenizer/TokenizeError.h"

#include "tests/support/BinaryFile.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>

using namespace kv;

using kvtest::put;

namespace {

const QString kSharedData = QStringLiteral(KVLAB_SHARED_DATA "/llama2c");

// Skips the test when ../shared/data is not beside the checkout.
#define REQUIRE_SHARED_TOKENIZER()                                                                                  \
    if (!QFile::exists(kSharedData + "/tokenizer.bin"))                                                             \
    QSKIP(qPrintable("the reference data is absent: " + kSharedData + "/tokenizer.bin (see ../shared/data/README.md)"))

struct Piece {
    float score;
    std::string text;
};

// tokenizer.bin bytes as llama2.c's export writes them.
std::string tokenizerBytes(std::uint32_t maxLength, const std::vector<Piece>& pieces)
{
    std::string bytes;
    put(bytes, maxLength);
    for (const Piece& piece : pieces) {
        put(bytes, piece.score);
        put(bytes, static_cast<std::int32_t>(piece.text.size()));
        bytes += piece.text;
    }
    return bytes;
}

// <unk>, BOS, EOS and the 256 byte pieces, as every llama2.c vocabulary starts.
std::vector<Piece> basePieces()
{
    std::vector<Piece> pieces{{0, "<unk>"}, {0, "\n<s>\n"}, {0, "\n</s>\n"}};
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof(name), "<0x%02X>", b);
        pieces.push_back({0, name});
    }
    return pieces;
}

// llama2.c run.c's merge loop as it is written there: scan every adjacent
// pair, keep the first with a strictly higher score, merge, repeat. The
// reference the tokenizer's O(n log n) merge must agree with.
std::vector<int> runcMerge(const Llama2cTokenizer& tokenizer, std::vector<int> tokens)
{
    while (true) {
        float bestScore = -1e10f;
        int bestId = -1;
        int bestIndex = -1;
        for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
            const auto id = tokenizer.find(tokenizer.piece(tokens[i]) + tokenizer.piece(tokens[i + 1]));
            if (id && tokenizer.score(*id) > bestScore) {
                bestScore = tokenizer.score(*id);
                bestId = *id;
                bestIndex = static_cast<int>(i);
            }
        }
        if (bestIndex < 0)
            return tokens;
        tokens[static_cast<std::size_t>(bestIndex)] = bestId;
        tokens.erase(tokens.begin() + bestIndex + 1);
    }
}

// run.c's encode without merges: BOS, the dummy prefix, one id per code point
// or its bytes + 3.
std::vector<int> runcUnmerged(const Llama2cTokenizer& tokenizer, const std::string& text)
{
    std::vector<int> tokens{1};
    if (!text.empty())
        tokens.push_back(*tokenizer.find(" "));
    std::string point;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((text[i] & 0xC0) != 0x80)
            point.clear();
        point += text[i];
        if (i + 1 < text.size() && (text[i + 1] & 0xC0) == 0x80 && point.size() < 4)
            continue;
        if (const auto id = tokenizer.find(point))
            tokens.push_back(*id);
        else
            for (const char c : point)
                tokens.push_back(static_cast<unsigned char>(c) + 3);
        point.clear();
    }
    return tokens;
}

} // namespace

class TestLlama2cTokenizer : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::optional<Llama2cTokenizer> m_llama;

    std::string path(const char* name) const { return (m_dir.path() + "/" + name).toStdString(); }

    std::string write(const char* name, const std::string& bytes) const
    {
        const std::string file = path(name);
        std::ofstream(file, std::ios::binary) << bytes;
        return file;
    }

    const Llama2cTokenizer& llama()
    {
        if (!m_llama)
            m_llama = Llama2cTokenizer::fromFile((kSharedData + "/tokenizer.bin").toStdString());
        return *m_llama;
    }

    QString loadErrorOf(const std::string& bytes)
    {
        const std::string file = write("bad.bin", bytes);
        try {
            Llama2cTokenizer::fromFile(file);
        } catch (const LoadError& error) {
            if (error.file() != file)
                return QStringLiteral("<wrong file: %1>").arg(QString::fromStdString(error.file()));
            return QString::fromStdString(error.problem());
        }
        return QStringLiteral("<no error>");
    }

private slots:
    void readsLlamaVocabulary()
    {
        REQUIRE_SHARED_TOKENIZER();
        const Llama2cTokenizer& tokenizer = llama();
        QCOMPARE(tokenizer.size(), 32000);
        QCOMPARE(tokenizer.bosId(), 1);
        QCOMPARE(tokenizer.eosId(), 2);
        QVERIFY(tokenizer.encodesAnyText());
        QCOMPARE(tokenizer.piece(1), std::string("\n<s>\n"));
        QCOMPARE(tokenizer.token(1), std::string("<s>"));
        QCOMPARE(tokenizer.token(2), std::string("</s>"));
        QCOMPARE(tokenizer.token(13), std::string("<0x0A>"));
        QCOMPARE(tokenizer.token(306), std::string(" I"));
        QCOMPARE(tokenizer.find(" I"), std::optional<int>(306));
        // Every piece is at most the declared max length.
        int longest = 0;
        for (int id = 0; id < tokenizer.size(); ++id)
            longest = std::max(longest, static_cast<int>(tokenizer.piece(id).size()));
        QCOMPARE(longest, tokenizer.maxTokenLength());
    }

    void reproducesRunc_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<std::vector<int>>("ids");
        std::ifstream in((kSharedData + "/encodings.json").toStdString());
        if (!in)
            return;
        const nlohmann::json cases = nlohmann::json::parse(in).at("cases");
        for (const auto& entry : cases) {
            const std::string text = entry.at("text").get<std::string>();
            QTest::newRow(text.c_str()) << QString::fromStdString(text) << entry.at("ids").get<std::vector<int>>();
        }
        QCOMPARE(cases.size(), std::size_t(6));
    }

    void reproducesRunc()
    {
        REQUIRE_SHARED_TOKENIZER();
        QFETCH(QString, text);
        QFETCH(std::vector<int>, ids);
        QCOMPARE(llama().encode(text.toStdString()), ids);
        QCOMPARE(llama().decode(ids), text.toStdString());
    }

    void roundTrips_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("one space") << QStringLiteral(" ");
        QTest::newRow("leading spaces") << QStringLiteral("   three");
        QTest::newRow("trailing space") << QStringLiteral("end ");
        QTest::newRow("emoji") << QStringLiteral("a 🦙 and a 🐍");
        QTest::newRow("CJK") << QStringLiteral("键值缓存");
        QTest::newRow("tabs and newlines") << QStringLiteral("a\tb\n\nc\r\n");
        QTest::newRow("story") << QStringLiteral("Once upon a time, there was a little girl named Lily.");
    }

    void roundTrips()
    {
        REQUIRE_SHARED_TOKENIZER();
        QFETCH(QString, text);
        const std::string utf8 = text.toStdString();
        const std::vector<int> ids = llama().encode(utf8);
        QCOMPARE(ids.front(), 1);
        QCOMPARE(llama().decode(ids), utf8);
    }

    void roundTripsBytesThatAreNotUtf8()
    {
        REQUIRE_SHARED_TOKENIZER();
        const std::string text = std::string("a\xff") + '\0' + "b\x80\xc3";
        const std::vector<int> ids = llama().encode(text);
        QVERIFY(std::find(ids.begin(), ids.end(), 0xff + 3) != ids.end()); // byte fallback
        QCOMPARE(llama().decode(ids), text);
    }

    void emptyTextIsBosAlone()
    {
        const std::string file = write("base.bin", tokenizerBytes(6, basePieces()));
        const Llama2cTokenizer tokenizer = Llama2cTokenizer::fromFile(file);
        QCOMPARE(tokenizer.encode(""), std::vector<int>{1});
        QCOMPARE(tokenizer.decode({1}), std::string());
    }

    void mergesAsRuncOnRandomText()
    {
        REQUIRE_SHARED_TOKENIZER();
        // Random texts drawn from letters, spaces, punctuation and a few
        // multi-byte characters: the queue-based merge picks the same pairs
        // in the same order as run.c's scan.
        const std::vector<std::string> alphabet{"a", "e", "t", "h", "n", "s", " ", " ", ",", ".", "\n", "é", "ß", "中", "😀"};
        std::mt19937 random(5);
        for (int round = 0; round < 200; ++round) {
            std::string text;
            const int length = static_cast<int>(random() % 60);
            for (int i = 0; i < length; ++i)
                text += alphabet[random() % alphabet.size()];
            const std::vector<int> expected = runcMerge(llama(), runcUnmerged(llama(), text));
            QCOMPARE(llama().encode(text), expected);
            QCOMPARE(llama().decode(expected), text);
        }
    }

    void mergesTheBestPairLeftmostFirst()
    {
        std::vector<Piece> pieces = basePieces();
        const int space = static_cast<int>(pieces.size());
        pieces.push_back({-1e9f, " "});
        const int a = static_cast<int>(pieces.size());
        pieces.push_back({0, "a"});
        const int aa = static_cast<int>(pieces.size());
        pieces.push_back({-5, "aa"});
        const int spaceA = static_cast<int>(pieces.size());
        pieces.push_back({-1e10f, " a"}); // scores no higher than run.c's start: never merged
        const Llama2cTokenizer tokenizer = Llama2cTokenizer::fromFile(write("merge.bin", tokenizerBytes(6, pieces)));
        // "aaa": the two equal pairs (a,a) at 0 and 1: the left one merges first.
        QCOMPARE(tokenizer.encode("aaa"), (std::vector<int>{1, space, aa, a}));
        QCOMPARE(tokenizer.encode("aaaa"), (std::vector<int>{1, space, aa, aa}));
        QVERIFY(tokenizer.find(" a") == std::optional<int>(spaceA));
        // An unknown code point falls back to its bytes + 3.
        QCOMPARE(tokenizer.encode("é"), (std::vector<int>{1, space, 0xC3 + 3, 0xA9 + 3}));
        QCOMPARE(tokenizer.decode({1, space, 0xC3 + 3, 0xA9 + 3}), std::string("é"));
    }

    void bosStaysFirstAndAlone()
    {
        // A hostile vocabulary holding BOS's piece joined to the leading
        // space run.c adds (found by fuzz_llama2c_tokenizer): run.c would merge BOS away;
        // here every encoding still starts with BOS on its own.
        std::vector<Piece> pieces = basePieces();
        const int space = static_cast<int>(pieces.size());
        pieces.push_back({0, " "});
        pieces.push_back({10, "\n<s>\n "});
        const Llama2cTokenizer tokenizer = Llama2cTokenizer::fromFile(write("bos.bin", tokenizerBytes(8, pieces)));
        QCOMPARE(tokenizer.encode(" "), (std::vector<int>{1, space, space}));
        QCOMPARE(tokenizer.encode(""), std::vector<int>{1});
    }

    void spaceAfterBosIsStrippedOnlyThere()
    {
        std::vector<Piece> pieces = basePieces();
        const int hi = static_cast<int>(pieces.size());
        pieces.push_back({0, " hi"});
        const Llama2cTokenizer tokenizer = Llama2cTokenizer::fromFile(write("strip.bin", tokenizerBytes(6, pieces)));
        QCOMPARE(tokenizer.decode({1, hi, hi}), std::string("hi hi"));
        QCOMPARE(tokenizer.decode({hi, hi}), std::string(" hi hi"));
        QCOMPARE(tokenizer.decode({hi, 2, 1, hi}), std::string(" hihi"));
        QCOMPARE(tokenizer.token(hi), std::string(" hi"));
    }

    void tooSmallForByteFallbackIsATokenizeError()
    {
        const Llama2cTokenizer tokenizer = Llama2cTokenizer::fromFile(
            write("small.bin", tokenizerBytes(6, {{0, "<unk>"}, {0, "<s>"}, {0, "</s>"}, {0, " "}, {0, "a"}})));
        QVERIFY(!tokenizer.encodesAnyText());
        QCOMPARE(tokenizer.encode("a a"), (std::vector<int>{1, 3, 4, 3, 4}));
        try {
            tokenizer.encode("aa z");
            QFAIL("no error");
        } catch (const TokenizeError& error) {
            QCOMPARE(error.position(), std::size_t(3));
            QVERIFY2(QString(error.what()).contains("<0x7A>"), error.what());
        }
    }

    void tokenShowsInvisibleBytes()
    {
        std::vector<Piece> pieces = basePieces();
        pieces.push_back({0, "\t"});
        pieces.push_back({0, "x\xff"});
        const Llama2cTokenizer tokenizer = Llama2cTokenizer::fromFile(write("show.bin", tokenizerBytes(6, pieces)));
        QCOMPARE(tokenizer.token(259), std::string("<0x09>"));
        QCOMPARE(tokenizer.token(260), std::string("x<0xFF>"));
        QCOMPARE(tokenizer.token(3 + 0xE2), std::string("<0xE2>"));
        QVERIFY_THROWS_EXCEPTION(KvError, tokenizer.token(261));
        QVERIFY_THROWS_EXCEPTION(KvError, tokenizer.decode({-1}));
    }

    void rejectsBadFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("problem");
        const auto bytes = [](const std::string& s) { return QByteArray(s.data(), static_cast<qsizetype>(s.size())); };
        const std::string good = tokenizerBytes(6, {{0, "<unk>"}, {0, "<s>"}, {0, "</s>"}, {-1, "abc"}});
        QTest::newRow("empty file") << QByteArray() << "the file is 0 bytes long";
        QTest::newRow("max length zero") << bytes(tokenizerBytes(0, {})) << "max token length 0 is not between 1 and 65536";
        QTest::newRow("max length huge") << bytes(tokenizerBytes(0xffffffffu, {})) << "max token length 4294967295";
        QTest::newRow("record cut in the score") << bytes(good.substr(0, good.size() - 9)) << "token 3 is cut off after 2 bytes";
        QTest::newRow("piece cut") << bytes(good.substr(0, good.size() - 1)) << "token 3 is cut off: 3 bytes declared, 2 left";
        std::string negative = tokenizerBytes(6, {{0, "<unk>"}});
        put(negative, 0.0f);
        put(negative, std::int32_t(-4));
        QTest::newRow("negative length") << bytes(negative) << "token 1 has a negative length (-4)";
        QTest::newRow("longer than max")
            << bytes(tokenizerBytes(2, {{0, "<unk>"}})) << "token 0 is 5 bytes long, more than the max token length 2";
        std::string hostile = tokenizerBytes(6, {});
        put(hostile, 0.0f);
        put(hostile, std::int32_t(0x7fffffff));
        QTest::newRow("hostile length") << bytes(hostile) << "token 0 is 2147483647 bytes long";
        QTest::newRow("too few tokens") << bytes(tokenizerBytes(6, {{0, "<unk>"}, {0, "<s>"}})) << "holds 2 tokens";
    }

    void rejectsBadFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, problem);
        const QString message = loadErrorOf(bytes.toStdString());
        QVERIFY2(message.contains(problem), qPrintable(message));
    }

    void missingFileIsALoadError()
    {
        QVERIFY_THROWS_EXCEPTION(LoadError, Llama2cTokenizer::fromFile(path("absent.bin")));
        QVERIFY_THROWS_EXCEPTION(LoadError, Llama2cTokenizer::fromFile(m_dir.path().toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestLlama2cTokenizer)
#include "tst_llama2ctokenizer.moc"
