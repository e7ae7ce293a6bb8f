#include "app/cli/CliOptions.h"
#include "views/diagrams/DiagramWidget.h"
#include "views/style/Glossary.h"
#include "app/window/GlossaryDialog.h"
#include "app/window/MainWindow.h"
#include "core/io/ModelBundle.h"
#include "views/playback/PlaybackController.h"
#include "tests/support/TestModels.h"
#include "app/window/TourOverlay.h"
#include "app/window/WordListDialog.h"
#include "views/playback/PhaseList.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTextDocumentFragment>
#include <QToolBar>
#include <QtTest>

#include <set>

using namespace kvlab;

namespace {

// The shipped GPT-2 models' steps: seven phases (no RoPE, so no Rotate).
const int kPhaseCount = PhaseList().count();

CliOptions options(const QStringList& extra = {})
{
    return *CliOptions::parse(QStringList{QStringLiteral("kvcache-lab")} + extra).options;
}

QAction* helpAction(MainWindow& window, const QString& prefix)
{
    for (QAction* menu : window.menuBar()->actions())
        if (menu->text() == QStringLiteral("&Help"))
            for (QAction* action : menu->menu()->actions())
                if (action->text().startsWith(prefix))
                    return action;
    return nullptr;
}

QRect inWindow(const QWidget* widget, const QWidget* window)
{
    return QRect(widget->mapTo(window, QPoint(0, 0)), widget->size());
}

} // namespace

// Item 15: the first-run tour, the glossary the narration links to, and the
// words the models know. Settings live in a fresh folder (see main), so the
// app meets a first run as a person would.
class TestHelp : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> openWindow(const QStringList& extra = {})
    {
        auto window = std::make_unique<MainWindow>(options(extra));
        window->resize(1600, 960);
        window->show();
        if (!QTest::qWaitForWindowExposed(window.get()))
            return nullptr;
        return window;
    }

private slots:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("KV Cache Lab Help Tests"));
        QVERIFY(!QSettings().value(TourOverlay::seenKey(), false).toBool());
    }

    // Runs first: the settings are empty.
    void firstRunStartsTheTourOnceOnly()
    {
        {
            auto screenshot = openWindow({QStringLiteral("--screenshot"), QStringLiteral("/dev/null")});
            QVERIFY(screenshot);
            QTest::qWait(50);
            QVERIFY(!screenshot->tour()->running()); // a screenshot never shows the tour
        }
        auto first = openWindow();
        QVERIFY(first);
        QTRY_VERIFY(first->tour()->running());
        QCOMPARE(first->tour()->step(), 0);
        QTest::mouseClick(first->tour()->skipButton(), Qt::LeftButton);
        QVERIFY(!first->tour()->running());
        first.reset();
        auto second = openWindow();
        QTest::qWait(50);
        QVERIFY(!second->tour()->running());
    }

    void tourWalksOverTheWindowAndComesBackFromHelp()
    {
        auto window = openWindow();
        QAction* tour = helpAction(*window, QStringLiteral("&Tour"));
        QVERIFY(tour);
        tour->trigger();
        TourOverlay* overlay = window->tour();
        QVERIFY(overlay->running());
        QVERIFY(overlay->stepCount() >= 5 && overlay->stepCount() <= 7);
        std::vector<QWidget*> targets;
        for (int i = 0; i < overlay->stepCount(); ++i) {
            QCOMPARE(overlay->step(), i);
            QVERIFY(overlay->card()->isVisible());
            QWidget* target = overlay->currentStep().target;
            targets.push_back(target);
            if (target && target->isVisible()) {
                // The spotlight is on the target, and the card does not cover it.
                QVERIFY(overlay->spotlight().contains(inWindow(target, window.get()).center()));
                const QRect card = inWindow(overlay->card(), window.get());
                QVERIFY(window->rect().contains(card));
                QVERIFY(!card.intersects(inWindow(target, window.get()))
                        || inWindow(target, window.get()).height() > window->height() / 2);
            }
            QTest::mouseClick(overlay->nextButton(), Qt::LeftButton);
        }
        QVERIFY(!overlay->running());
        const auto shows = [&](QWidget* widget) { return std::find(targets.begin(), targets.end(), widget) != targets.end(); };
        QVERIFY(shows(window->tokenStrip()));
        QVERIFY(shows(window->pane(kv::DecodeMode::Uncached)));
        QVERIFY(shows(window->pane(kv::DecodeMode::Cached)));
        QVERIFY(shows(window->narration()));
        // The legend of states and the playback bar are in it too (not public; found by type).
        int legend = 0;
        int toolbars = 0;
        for (QWidget* target : targets) {
            if (auto* diagram = qobject_cast<DiagramWidget*>(target);
                diagram && diagram != window->tokenStrip() && diagram != window->pane(kv::DecodeMode::Uncached)
                && diagram != window->pane(kv::DecodeMode::Cached))
                ++legend;
            toolbars += qobject_cast<QToolBar*>(target) != nullptr;
        }
        QCOMPARE(legend, 1);
        QCOMPARE(toolbars, 1);

        // Back goes back; the clicks reach the window under the dimming.
        tour->trigger();
        QTest::mouseClick(overlay->nextButton(), Qt::LeftButton);
        QCOMPARE(overlay->step(), 1);
        QTest::mouseClick(overlay->backButton(), Qt::LeftButton);
        QCOMPARE(overlay->step(), 0);
        QVERIFY(overlay->testAttribute(Qt::WA_TransparentForMouseEvents));
        overlay->finish();
    }

    void glossaryHasEveryTermAndTheNarrationLinksToIt()
    {
        std::set<QString> ids;
        for (const Glossary::Entry& entry : Glossary::entries()) {
            ids.insert(entry.id);
            QVERIFY(!entry.definition.isEmpty());
            QVERIFY2(!entry.definition.contains(QRegularExpression(QStringLiteral("\\d"))), qPrintable(entry.term));
        }
        QCOMPARE(ids, (std::set<QString>{"query", "key", "value", "kv-cache", "prefill", "decode", "gqa", "position", "rope",
                                            "rmsnorm", "swiglu"}));

        auto window = openWindow();
        window->controller()->setPosition(0); // the prefill
        const QString text = window->narration()->text();
        QVERIFY2(text.contains(QStringLiteral("href=\"glossary:prefill\"")), qPrintable(text));
        emit window->narration()->linkActivated(QStringLiteral("glossary:prefill"));
        QVERIFY(window->glossary()->isVisible());
        QCOMPARE(window->glossary()->shownTerm(), QStringLiteral("prefill"));
        QVERIFY(window->glossary()->text()->toPlainText().contains(QStringLiteral("time to first token")));
        // Links take the theme's link colour, readable on the dark theme too.
        window->setThemeName(QStringLiteral("dark"));
        QVERIFY2(window->narration()->text().contains(QStringLiteral("color:%1").arg(Theme::dark().cachedAccent.name())),
                 qPrintable(window->narration()->text()));
        // Help ▸ Glossary opens it too.
        window->glossary()->hide();
        helpAction(*window, QStringLiteral("&Glossary"))->trigger();
        QVERIFY(window->glossary()->isVisible());
    }

    // Linking changes no word of any narration, links each term once, never inside a tag.
    void linkingKeepsTheNarrationsWords()
    {
        auto window = openWindow();
        PlaybackController* controller = window->controller();
        const int phases = controller->frame().lesson->stepCount() * kPhaseCount;
        std::set<QString> linkedSomewhere;
        for (int position = 0; position < phases; ++position) {
            controller->setPosition(position);
            const QString linked = window->narration()->text();
            const QString plain = QTextDocumentFragment::fromHtml(linked).toPlainText();
            QTextDocument original;
            original.setHtml(linked);
            static const QRegularExpression anchor(QStringLiteral("href=\"glossary:([a-z-]+)\""));
            std::multiset<QString> ids;
            for (auto match = anchor.globalMatch(linked); match.hasNext();)
                ids.insert(match.next().captured(1));
            for (const QString& id : ids) {
                QCOMPARE(ids.count(id), std::size_t(1));
                QVERIFY(Glossary::find(id));
                linkedSomewhere.insert(id);
            }
            QVERIFY(!plain.contains(QStringLiteral("glossary:")));
            QVERIFY(!plain.contains(QLatin1Char('<')));
        }
        QVERIFY(linkedSomewhere.size() >= 5);
        const QString html = QStringLiteral("<b>Prefill.</b> <a href=\"x\">keys</a> and keys, prefill, value");
        const QString linked = Glossary::linkTerms(html);
        QCOMPARE(linked.count(QStringLiteral("glossary:prefill")), 1);
        QCOMPARE(linked.count(QStringLiteral("glossary:key")), 1);
        QVERIFY(linked.contains(QStringLiteral("<a href=\"x\">keys</a>"))); // an existing link stays as it was
        QCOMPARE(QTextDocumentFragment::fromHtml(linked).toPlainText(), QTextDocumentFragment::fromHtml(html).toPlainText());
    }

    void unknownWordOffersTheSearchableWordList()
    {
        auto window = openWindow();
        QVERIFY(!window->runPrompt(QStringLiteral("I zebra")));
        QLabel* offer = window->wordListOffer();
        QVERIFY(offer->isVisible());
        QVERIFY(offer->text().contains(QStringLiteral("href=\"words:zebra\"")));
        emit offer->linkActivated(QStringLiteral("words:zebra"));
        WordListDialog* words = window->wordList();
        QVERIFY(words && words->isVisible());
        const auto& vocabulary = kvtest::shippedModel(QStringLiteral("tiny-mha")).tokenizer->vocabulary();
        QCOMPARE(words->wordCount(), int(std::set<std::string>(vocabulary.begin(), vocabulary.end()).size()));
        bool saysZebra = false;
        for (QLabel* label : words->findChildren<QLabel*>())
            saysZebra |= label->isVisible() && label->text().contains(QStringLiteral("zebra"));
        QVERIFY(saysZebra);
        QTest::keyClicks(words->search(), QStringLiteral("bea"));
        const QStringList shown = words->shownWords();
        QVERIFY(shown.contains(QStringLiteral("beautiful")));
        for (const QString& word : shown)
            QVERIFY(word.contains(QStringLiteral("bea"), Qt::CaseInsensitive));
        QVERIFY(shown.size() < words->wordCount());
        QVERIFY(window->runPrompt(QStringLiteral("I")));
        QVERIFY(!offer->isVisible());
        QVERIFY(helpAction(*window, QStringLiteral("&Words")));
    }
};

int main(int argc, char** argv)
{
    // A settings folder of its own: the first run is a real first run.
    QTemporaryDir settings;
    qputenv("XDG_CONFIG_HOME", settings.path().toUtf8());
    QApplication app(argc, argv);
    TestHelp test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_help.moc"
