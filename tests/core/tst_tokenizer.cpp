#include "core/io/LoadError.h"
#include "core/tokenizer/WordTokenizer.h"
#include "core/tokenizer/UnknownWordError.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace kv;

class TestTokenizer : public QObject {
    Q_OBJECT

private:
    WordTokenizer m_tokenizer{{"[EOS]", "I", "saw", "a", "beautiful", "car", "cat", "sat", "."}, "[EOS]"};

private slots:
    void encodesIgnoringCase()
    {
        QCOMPARE(m_tokenizer.encode("i SAW a Beautiful car"), (std::vector<int>{1, 2, 3, 4, 5}));
    }

    void decodesWithTheVocabularySpelling()
    {
        QCOMPARE(m_tokenizer.decode(m_tokenizer.encode("i saw a car [eos]")), std::string("I saw a car [EOS]"));
        QCOMPARE(m_tokenizer.eosId(), 0);
    }

    void splitsPunctuationOff()
    {
        QCOMPARE(m_tokenizer.encode("  I saw a cat.  [EOS]"), (std::vector<int>{1, 2, 3, 6, 8, 0}));
        QCOMPARE(m_tokenizer.encode("I saw a cat."), (std::vector<int>{1, 2, 3, 6, 8}));
        QCOMPARE(m_tokenizer.encode("cat.cat."), (std::vector<int>{6, 8, 6, 8}));
    }

    void unknownWordIsNamedWithSuggestions()
    {
        try {
            m_tokenizer.encode("I saw a zebra");
            QFAIL("no error");
        } catch (const UnknownWordError& error) {
            QCOMPARE(error.word(), std::string("zebra"));
            QCOMPARE(error.position(), std::size_t(8)); // the byte offset of "zebra"
            QCOMPARE(error.suggestions().size(), std::size_t(3));
            QVERIFY(QString(error.what()).contains("\"zebra\""));
        }
    }

    void suggestionsAreTheNearestWords()
    {
        QCOMPARE(m_tokenizer.nearest("cas", 2), (std::vector<std::string>{"car", "cat"}));
        QCOMPARE(m_tokenizer.nearest("beatiful", 1), std::vector<std::string>{"beautiful"});
        QCOMPARE(m_tokenizer.nearest("SAW", 1), std::vector<std::string>{"saw"});
    }

    void unknownPunctuationIsNamed()
    {
        try {
            m_tokenizer.encode("I saw a car!");
            QFAIL("no error");
        } catch (const TokenizeError& error) {
            QCOMPARE(error.position(), std::size_t(11));
            QVERIFY(QString(error.what()).contains("\"!\""));
        }
    }

    void vocabularyFileErrors_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("duplicate") << QByteArray("[EOS]\ncat\nCat\n") << "token \"Cat\" appears twice (lines 2 and 3)";
        QTest::newRow("no end token") << QByteArray("cat\ndog\n") << "\"[EOS]\" is not in the vocabulary";
        QTest::newRow("empty line") << QByteArray("[EOS]\n\ncat\n") << "line 2 is empty";
    }

    void vocabularyFileErrors()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/vocab.txt").toStdString();
        std::ofstream(path) << content.constData();
        try {
            WordTokenizer::fromFile(path, "[EOS]");
            QFAIL("no error");
        } catch (const LoadError& error) {
            QVERIFY2(QString(error.what()).contains(expected), error.what());
            QCOMPARE(error.file(), path);
        }
    }

    void readsWindowsLineEndings()
    {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/vocab.txt").toStdString();
        std::ofstream(path) << "[EOS]\r\ncat\r\n";
        QCOMPARE(WordTokenizer::fromFile(path, "[EOS]").encode("cat"), std::vector<int>{1});
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
