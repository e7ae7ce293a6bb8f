// Frame times: how long moving to a step, layer or head takes to show, from the
// lazy trace (the passes that step needs) to both panes painted. A benchmark,
// not a timed test: it asserts only that the frames are whole. Set
// KVLAB_BENCH_MODEL to a model folder (e.g. one written by kvlab-make-model
// with 12 layers and d=768) to measure a large model; by default it measures
// tiny-mha and a 4-layer d=256 random model.
#include "views/diagrams/AttentionDiagram.h"
#include "core/lab/LazyWalkThrough.h"
#include "views/playback/Lesson.h"
#include "tests/support/TestModels.h"

#include <QImage>
#include <QPainter>
#include <QtTest>

using namespace kvlab;

namespace {

struct Subject {
    std::shared_ptr<const kv::Transformer> model;
    std::shared_ptr<const kv::Tokenizer> tokenizer;
    std::vector<int> prompt;
    int maxNew;
};

std::shared_ptr<const Lesson> lessonFor(const Subject& subject)
{
    kv::GenerationSettings settings;
    settings.maxNewTokens = subject.maxNew;
    settings.stopAtEos = false;
    auto walk = std::make_shared<kv::LazyWalkThrough>(
        subject.model,
        kv::runWalkThrough(*subject.model, subject.prompt, settings, subject.tokenizer->eosId(), kv::UncachedPasses::OnDemand),
        settings.sampling);
    auto lesson = std::make_shared<Lesson>(std::move(walk));
    lesson->tokenizer = subject.tokenizer;
    return lesson;
}

const std::shared_ptr<const Lesson>& lesson(const QString& name)
{
    static std::map<QString, std::shared_ptr<const Lesson>> made;
    auto found = made.find(name);
    if (found != made.end())
        return found->second;
    const kv::ModelBundle& words = kvtest::shippedModel(QStringLiteral("tiny-mha"));
    Subject subject{words.model, words.tokenizer, words.tokenizer->encode("I"), 10};
    if (name == QLatin1String("random-4x256")) {
        const auto config = kv::ModelConfig::gpt2("random-4x256", 4, 256, 8, 8, 160, words.config().vocabSize);
        subject.model = std::make_shared<const kv::Transformer>(kvtest::randomTransformer(config, 5, 0.1f));
        subject.prompt = kvtest::randomTokens(29, config.vocabSize);
        subject.maxNew = 120;
    } else if (name == QLatin1String("env")) {
        static const kv::ModelBundle big = kv::ModelBundle::load(qEnvironmentVariable("KVLAB_BENCH_MODEL").toStdString());
        subject = {big.model, big.tokenizer, kvtest::randomTokens(29, big.config().vocabSize), 120};
    }
    return made.emplace(name, lessonFor(subject)).first->second;
}

} // namespace

class BenchFrames : public QObject {
    Q_OBJECT

private slots:
    void frame_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("step");
        QTest::addColumn<int>("layer");
        QTest::addColumn<int>("head");
        QStringList models{QStringLiteral("tiny-mha"), QStringLiteral("random-4x256")};
        if (!qEnvironmentVariableIsEmpty("KVLAB_BENCH_MODEL"))
            models << QStringLiteral("env");
        for (const QString& model : models) {
            // A new step (its passes run), then another layer and head of the same step (held records).
            const int last = model == QLatin1String("tiny-mha") ? 9 : 119;
            for (const auto& [step, layer, head] : {std::tuple{last / 2, 0, 0}, std::tuple{last / 2, 1, 3},
                                                    std::tuple{last, 0, 0}, std::tuple{last, 1, 2}})
                QTest::newRow(qPrintable(QStringLiteral("%1 step %2 layer %3 head %4").arg(model).arg(step).arg(layer).arg(head)))
                    << model << step << layer << head;
        }
    }

    void frame()
    {
        QFETCH(QString, model);
        QFETCH(int, step);
        QFETCH(int, layer);
        QFETCH(int, head);
        const auto& shown = lesson(model);
        Frame frame;
        frame.lesson = shown;
        frame.step = step;
        frame.layer = layer;
        frame.head = head;
        frame.phase = Phase::NextToken;
        QImage image(1600, 700, QImage::Format_ARGB32_Premultiplied);
        QBENCHMARK_ONCE {
            QPainter painter(&image);
            AttentionDiagram(kv::DecodeMode::Uncached).paint(painter, QRectF(0, 0, 800, 700), frame);
            AttentionDiagram(kv::DecodeMode::Cached).paint(painter, QRectF(800, 0, 800, 700), frame);
        }
        QVERIFY(frame.record(kv::DecodeMode::Uncached).pending == false);
        QVERIFY(std::isfinite(shown->run.maxAbsLogitDiff[std::size_t(step)]));
    }
};

QTEST_MAIN(BenchFrames)
#include "bench_frames.moc"
