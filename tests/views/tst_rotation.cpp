// The Rotate phase of rotary models (issue 13, "In the window"): which models
// have it, that the rows it draws are the forward pass's own q and k before and
// after RoPE, what the narration says around it for Llama and for GPT-2, and
// that the frozen-position demonstration shows every key rotated to position 0.

#include "app/window/LessonFactory.h"
#include "core/decode/DecodeSession.h"
#include "core/model/ForwardObserver.h"
#include "tests/support/TestLessons.h"
#include "tests/support/TestModels.h"
#include "views/diagrams/AttentionDiagram.h"
#include "views/diagrams/AttentionMatrices.h"
#include "views/diagrams/RotationDiagram.h"
#include "views/playback/Narrator.h"

#include <QImage>
#include <QTextDocumentFragment>
#include <QtTest>

#include <map>

using namespace kvlab;
using kv::DecodeMode;
using Part = RotationDiagram::Part;

namespace {

QString plain(const QString& richText)
{
    return QTextDocumentFragment::fromHtml(richText).toPlainText();
}

// Every labelled stage of one forward pass, by (layer, stage).
class StageCapture : public kv::ForwardObserver {
public:
    void onHead(kv::HeadRecord&&) override {}
    void onStage(int layer, kv::ForwardStage stage, const Eigen::Ref<const kv::Matrix>& value) override
    {
        m_stages[{layer, stage}] = value;
    }
    const kv::Matrix& at(int layer, kv::ForwardStage stage) const { return m_stages.at({layer, stage}); }

private:
    std::map<std::pair<int, kv::ForwardStage>, kv::Matrix> m_stages;
};

// The stages of step `step`'s pass in `mode`, from a fresh eager run of the
// recorded walk-through (not the lesson's replay the views read).
StageCapture capturePass(const Lesson& lesson, DecodeMode mode, int step)
{
    const kv::Transformer& model = lesson.walk->model();
    StageCapture capture;
    if (mode == DecodeMode::Uncached) {
        const kv::StepRecord& record = lesson.record(mode, step);
        model.forward(record.inputTokens, record.positions, nullptr, &capture);
        return capture;
    }
    kv::DecodeSession session(model, DecodeMode::Cached);
    session.setAdvancePosition(lesson.kind != Lesson::Kind::FrozenPosition);
    session.start(lesson.run.cached.prompt, step == 0 ? &capture : nullptr);
    for (int s = 1; s <= step; ++s)
        session.next(lesson.record(mode, s).inputTokens.front(), s == step ? &capture : nullptr);
    return capture;
}

kv::Matrix headColumns(const kv::Matrix& all, int head, int headDim)
{
    return all.middleCols(static_cast<Eigen::Index>(head) * headDim, headDim);
}

} // namespace

class TestRotation : public QObject {
    Q_OBJECT

private:
    LessonFactory m_llama;
    LessonFactory m_gpt2;
    std::shared_ptr<const Lesson> m_llamaLesson;
    std::shared_ptr<const Lesson> m_gpt2Lesson;

    static Frame frameAt(std::shared_ptr<const Lesson> lesson, int step, Phase phase, int layer = 0, int head = 0)
    {
        Frame frame;
        frame.lesson = std::move(lesson);
        frame.step = step;
        frame.phase = phase;
        frame.layer = layer;
        frame.head = head;
        return frame;
    }

private slots:
    void initTestCase()
    {
        m_llama.loadModel(kvtest::shippedModelDir(QStringLiteral("tiny-llama")));
        m_gpt2.loadModel(kvtest::shippedModelDir(QStringLiteral("tiny-mha")));
        m_llamaLesson = m_llama.normal(QStringLiteral("I"), kv::GenerationSettings{});
        m_gpt2Lesson = m_gpt2.normal(QStringLiteral("I"), kv::GenerationSettings{});
        QCOMPARE(m_llamaLesson->config().position, kv::PositionKind::Rotary);
        QCOMPARE(m_gpt2Lesson->config().position, kv::PositionKind::Learned);
        QCOMPARE(m_llamaLesson->stepCount(), 5);
    }

    // GPT-2 keeps its seven phases, numbered as before; a rotary model has
    // eight, Rotate third, read from the config's position kind.
    void phaseListPerModel()
    {
        const PhaseList& gpt2 = m_gpt2Lesson->phases;
        QCOMPARE(gpt2.count(), 7);
        QVERIFY(!gpt2.contains(Phase::Rotate));
        const std::vector<Phase> seven{Phase::TokenIn, Phase::Project, Phase::Append, Phase::Scores,
                                       Phase::Softmax, Phase::Mix,     Phase::NextToken};
        QVERIFY(gpt2.all() == seven);
        QCOMPARE(PhaseList(kvtest::shippedModel(QStringLiteral("tiny-gqa")).config()).count(), 7);

        const PhaseList& llama = m_llamaLesson->phases;
        QCOMPARE(llama.count(), 8);
        QCOMPARE(llama.at(2), Phase::Rotate);
        QCOMPARE(llama.indexOf(Phase::Project), 1);
        QCOMPARE(llama.indexOf(Phase::Append), 3);
        QCOMPARE(llama.indexOf(Phase::NextToken), 7);

        // The position kind decides, not the family.
        kv::ModelConfig learnedLlama = m_llamaLesson->config();
        learnedLlama.position = kv::PositionKind::Learned;
        QCOMPARE(PhaseList(learnedLlama).count(), 7);
    }

    // The rows the Rotate phase draws are the pass's own stages: q and k as
    // projected (q_before_rope, k_before_rope), after RoPE (q, k: k as it is
    // cached), and the angles the RotaryTable turned them by.
    void rotatedRowsEqualTheStages_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("step");
        QTest::addColumn<int>("layer");
        QTest::addColumn<int>("head");
        for (int mode : {int(DecodeMode::Uncached), int(DecodeMode::Cached)})
            for (int step : {0, 1, 3})
                for (int layer : {0, 1})
                    QTest::addRow("%s step %d layer %d", mode == int(DecodeMode::Cached) ? "cached" : "uncached", step,
                                  layer)
                        << mode << step << layer << (step + layer) % 4;
    }
    void rotatedRowsEqualTheStages()
    {
        QFETCH(int, mode);
        QFETCH(int, step);
        QFETCH(int, layer);
        QFETCH(int, head);
        const auto decodeMode = static_cast<DecodeMode>(mode);
        const Frame frame = frameAt(m_llamaLesson, step, Phase::Rotate, layer, head);
        const kv::ModelConfig& config = m_llamaLesson->config();
        const int headDim = config.headDim();
        const int kvHead = head / config.queriesPerKvHead();
        const auto specs = RotationDiagram(decodeMode).matrices(frame);
        const StageCapture stages = capturePass(*m_llamaLesson, decodeMode, step);
        const auto spec = [&](Part part) -> const kv::Matrix& { return specs[RotationDiagram::slot(part)].values; };

        using kv::ForwardStage;
        const kv::Matrix kAfter = headColumns(stages.at(layer, ForwardStage::K), kvHead, headDim);
        const kv::Matrix kBefore = headColumns(stages.at(layer, ForwardStage::KBeforeRope), kvHead, headDim);
        QCOMPARE(spec(Part::KeyAfter).rows(), kAfter.rows());
        QVERIFY(kvtest::maxAbsDiff(spec(Part::KeyAfter), kAfter) <= 1e-6f);
        QVERIFY(kvtest::maxAbsDiff(spec(Part::KeyBefore), kBefore) <= 1e-6f);
        QVERIFY(kvtest::maxAbsDiff(spec(Part::QueryAfter), headColumns(stages.at(layer, ForwardStage::Q), head, headDim))
                <= 1e-6f);
        QVERIFY(kvtest::maxAbsDiff(spec(Part::QueryBefore),
                                   headColumns(stages.at(layer, ForwardStage::QBeforeRope), head, headDim))
                <= 1e-6f);

        // Rows: every token without a cache, the new one with it.
        const kv::StepRecord& record = m_llamaLesson->record(decodeMode, step);
        QCOMPARE(int(spec(Part::KeyAfter).rows()), int(record.positions.size()));
        if (decodeMode == DecodeMode::Cached && step > 0)
            QCOMPARE(int(spec(Part::KeyAfter).rows()), 1);
        if (decodeMode == DecodeMode::Uncached)
            QCOMPARE(int(spec(Part::KeyAfter).rows()), step + 1);

        // The angles: row r turned pair i by positions[r] · θ_i, the table's numbers.
        const kv::RotaryTable& table = m_llamaLesson->walk->model().rotary();
        const kv::Matrix& angles = spec(Part::QueryAngles);
        QCOMPARE(int(angles.cols()), headDim / 2);
        for (Eigen::Index r = 0; r < angles.rows(); ++r)
            for (int i = 0; i < table.pairs(); ++i)
                QCOMPARE(angles(r, i), static_cast<float>(table.angle(record.positions[std::size_t(r)], i)));
        QVERIFY(spec(Part::KeyAngles) == angles);

        // A rotation really happened past position 0, and keeps each pair's length.
        for (Eigen::Index r = 0; r < kAfter.rows(); ++r) {
            const bool atZero = record.positions[std::size_t(r)] == 0;
            QCOMPARE(kvtest::maxAbsDiff(kAfter.row(r), kBefore.row(r)) == 0.0f, atZero);
            for (int i = 0; i < table.pairs(); ++i) {
                const int a = table.pairFirst(i), b = table.pairSecond(i);
                QVERIFY(std::abs(std::hypot(kAfter(r, a), kAfter(r, b)) - std::hypot(kBefore(r, a), kBefore(r, b)))
                        < 1e-5f);
            }
        }
    }

    // Without a cache the old rows are turned again (recomputed); with it
    // only the new row turns, noted as going into the cache rotated.
    void rowStatesAndNotes()
    {
        const Frame frame = frameAt(m_llamaLesson, 3, Phase::Rotate);
        const auto uncached = RotationDiagram(DecodeMode::Uncached).matrices(frame);
        const MatrixSpec& k = uncached[RotationDiagram::slot(Part::KeyAfter)];
        QCOMPARE(k.rows(), 4);
        for (int r = 0; r < 3; ++r)
            QCOMPARE(k.state(r, 0), CellState::Recomputed);
        QCOMPARE(k.state(3, 0), CellState::New);
        QCOMPARE(k.note, QStringLiteral("3 of 4 recomputed"));
        QCOMPARE(k.rowLabels, QStringList());
        QCOMPARE(uncached[RotationDiagram::slot(Part::KeyBefore)].rowLabels.last(), QStringLiteral("beautiful @3"));
        const auto cached = RotationDiagram(DecodeMode::Cached).matrices(frame);
        QCOMPARE(cached[RotationDiagram::slot(Part::KeyAfter)].state(0, 0), CellState::New);
        QVERIFY(cached[RotationDiagram::slot(Part::KeyAfter)].note.contains(QStringLiteral("cached rotated")));
        QCOMPARE(cached[RotationDiagram::slot(Part::QueryBefore)].rowLabels, QStringList{QStringLiteral("beautiful @3")});
    }

    // Before Rotate the panes show q and k as projected; from Rotate on, as
    // rotated (what the scores use). GPT-2 is untouched.
    void attentionPanesShowUnrotatedRowsUntilRotate()
    {
        using Role = MatrixSpec::Role;
        const int step = 3;
        const Frame project = frameAt(m_llamaLesson, step, Phase::Project);
        const Frame append = frameAt(m_llamaLesson, step, Phase::Append);
        const auto rotation = RotationDiagram(DecodeMode::Uncached).matrices(project);
        const auto before = attentionMatrices(project, DecodeMode::Uncached);
        const auto after = attentionMatrices(append, DecodeMode::Uncached);
        QVERIFY(before[Role::Queries].values == rotation[RotationDiagram::slot(Part::QueryBefore)].values);
        QVERIFY(before[Role::KeysT].values == rotation[RotationDiagram::slot(Part::KeyBefore)].values.transpose());
        QVERIFY(after[Role::Queries].values == rotation[RotationDiagram::slot(Part::QueryAfter)].values);
        QVERIFY(after[Role::KeysT].values == rotation[RotationDiagram::slot(Part::KeyAfter)].values.transpose());
        QCOMPARE(before[Role::Queries].title, QStringLiteral("Q = X·W_Q"));
        QCOMPARE(after[Role::Queries].title, QStringLiteral("Q = RoPE(X·W_Q)"));
        QCOMPARE(after[Role::KeysT].title, QStringLiteral("Kᵀ = RoPE(X·W_K)ᵀ"));
        const auto gpt2 = attentionMatrices(frameAt(m_gpt2Lesson, step, Phase::Project), DecodeMode::Uncached);
        QCOMPARE(gpt2[Role::Queries].title, QStringLiteral("Q = X·W_Q"));
        QVERIFY(gpt2[Role::Queries].values == frameAt(m_gpt2Lesson, step, Phase::Project).headRecord(DecodeMode::Uncached).queries);
    }

    // The frozen-position demonstration on a RoPE model: current_pos stays 0,
    // so every key the cached side writes is turned by angle 0, i.e. cached
    // exactly as projected, and the narration says all keys sit at position 0.
    void frozenDemoRotatesEveryKeyToPositionZero()
    {
        const auto lesson = m_llama.frozenPosition(QStringLiteral("I"), kv::GenerationSettings{});
        QVERIFY(lesson->stepCount() >= 3);
        const kv::ModelConfig& config = lesson->config();
        for (int step = 0; step < lesson->stepCount(); ++step)
            for (int layer = 0; layer < config.nLayer; ++layer)
                for (int kvHead = 0; kvHead < config.nKvHead; ++kvHead) {
                    const Frame frame = frameAt(lesson, step, Phase::Rotate, layer, kvHead * config.queriesPerKvHead());
                    const auto specs = RotationDiagram(DecodeMode::Cached).matrices(frame);
                    const auto& angles = specs[RotationDiagram::slot(Part::KeyAngles)].values;
                    QVERIFY(angles.isZero(0.0f));
                    // RoPE at position 0 is the identity: the key is cached unrotated...
                    const kv::Matrix& before = specs[RotationDiagram::slot(Part::KeyBefore)].values;
                    QVERIFY(specs[RotationDiagram::slot(Part::KeyAfter)].values == before);
                    // ...and the correct run's stage shows the same k projected (equal inputs at step 0).
                    const StageCapture stages = capturePass(*lesson, DecodeMode::Cached, step);
                    QVERIFY(kvtest::maxAbsDiff(before, headColumns(stages.at(layer, kv::ForwardStage::KBeforeRope),
                                                                   kvHead, config.headDim()))
                            <= 1e-6f);
                    // The whole cache as the last step reads it: every row is some step's unrotated key.
                    const kv::HeadRecord& read = frame.headRecord(DecodeMode::Cached);
                    QVERIFY(kvtest::maxAbsDiff(read.keys.bottomRows(before.rows()), before) <= 1e-6f);
                }
        const int last = lesson->stepCount() - 1;
        const QString append = plain(Narrator::narration(frameAt(lesson, last, Phase::Append)));
        QVERIFY2(append.contains(QStringLiteral("all %1 keys in the cache were rotated to position 0")
                                     .arg(lesson->record(DecodeMode::Cached, last).keyTokens.size())),
                 qPrintable(append));
        QVERIFY2(append.contains(QStringLiteral("current_pos matters even more")), qPrintable(append));
        const QString rotate = plain(Narrator::narration(frameAt(lesson, 2, Phase::Rotate)));
        QVERIFY2(rotate.contains(QStringLiteral("current_pos is stuck at 0, so this key turns by 0·θᵢ instead of 2·θᵢ")),
                 qPrintable(rotate));
    }

    // What the narration says on Llama, and that GPT-2's says none of it.
    void narrationNamesTheFamilysBlocks()
    {
        const auto said = [](std::shared_ptr<const Lesson> lesson, int step, Phase phase) {
            return plain(Narrator::narration(frameAt(std::move(lesson), step, phase)));
        };
        const kv::RotaryTable& table = m_llamaLesson->walk->model().rotary();

        const QString rotate = said(m_llamaLesson, 3, Phase::Rotate);
        QVERIFY2(rotate.contains(QStringLiteral("already rotated, as llama2.c does")), qPrintable(rotate));
        QVERIFY2(rotate.contains(QStringLiteral("never turned again")), qPrintable(rotate));
        QVERIFY2(rotate.contains(QStringLiteral("all 4 queries and keys are turned again")), qPrintable(rotate));
        QVERIFY2(rotate.contains(QStringLiteral("θᵢ = 10000^(−2i/8)")), qPrintable(rotate));
        QVERIFY2(rotate.contains(QStringLiteral("%1 rad for pair 0").arg(table.angle(3, 0), 0, 'f', 2)), qPrintable(rotate));

        const QString prefill = said(m_llamaLesson, 0, Phase::Rotate);
        QVERIFY2(prefill.contains(QStringLiteral("At position 0 every angle is 0")), qPrintable(prefill));

        const QString append = said(m_llamaLesson, 3, Phase::Append);
        QVERIFY2(append.contains(QStringLiteral("The key goes in rotated by its position, 3")), qPrintable(append));
        QVERIFY2(append.contains(QStringLiteral("current_pos matters even more")), qPrintable(append));
        QVERIFY(!said(m_gpt2Lesson, 3, Phase::Append).contains(QStringLiteral("rotated")));

        const QString llamaIn = said(m_llamaLesson, 3, Phase::TokenIn);
        QVERIFY2(llamaIn.contains(QStringLiteral("no learned position row")), qPrintable(llamaIn));
        QVERIFY(!llamaIn.contains(QStringLiteral("wpe")));
        const QString gpt2In = said(m_gpt2Lesson, 3, Phase::TokenIn);
        QVERIFY2(gpt2In.contains(QStringLiteral("learned position row 3 added")), qPrintable(gpt2In));
        QVERIFY(!gpt2In.contains(QStringLiteral("RoPE")));

        const QString llamaProject = said(m_llamaLesson, 3, Phase::Project);
        QVERIFY2(llamaProject.contains(QStringLiteral("normalised by RMSNorm")), qPrintable(llamaProject));
        QVERIFY(llamaProject.contains(QStringLiteral("not yet rotated")));
        const QString gpt2Project = said(m_gpt2Lesson, 3, Phase::Project);
        QVERIFY2(gpt2Project.contains(QStringLiteral("normalised by LayerNorm")), qPrintable(gpt2Project));
        QVERIFY(!gpt2Project.contains(QStringLiteral("rotated")));

        const QString llamaNext = said(m_llamaLesson, 3, Phase::NextToken);
        QVERIFY2(llamaNext.contains(QStringLiteral("RMSNorm, attention, RMSNorm, SwiGLU MLP with its gate, up and down "
                                                   "matrices")),
                 qPrintable(llamaNext));
        QVERIFY(!llamaNext.contains(QStringLiteral("GELU")) && !llamaNext.contains(QStringLiteral("LayerNorm")));
        const QString gpt2Next = said(m_gpt2Lesson, 3, Phase::NextToken);
        QVERIFY2(gpt2Next.contains(QStringLiteral("LayerNorm, attention, LayerNorm, GELU MLP")), qPrintable(gpt2Next));
        QVERIFY(!gpt2Next.contains(QStringLiteral("SwiGLU")) && !gpt2Next.contains(QStringLiteral("RMSNorm")));

        // Below the last layer, the MLP the old rows go through is named.
        QVERIFY(said(m_llamaLesson, 3, Phase::Scores).contains(QStringLiteral("after the SwiGLU MLP")));
        QVERIFY(said(m_gpt2Lesson, 3, Phase::Scores).contains(QStringLiteral("after the GELU MLP")));

        QCOMPARE(Narrator::stepTitle(frameAt(m_llamaLesson, 3, Phase::Rotate)),
                 QStringLiteral("Step 3 of 4 · phase 3/8: Rotate q, k (RoPE)"));
        QCOMPARE(Narrator::stepTitle(frameAt(m_gpt2Lesson, 3, Phase::Append)),
                 QStringLiteral("Step 3 of 4 · phase 3/7: Append to cache"));
    }

    // The Rotate layout keeps every box inside the pane and apart from the
    // others, side by side at 1600×960, alone, and presenting at 1920×1080.
    void layoutBoxesStayApart_data()
    {
        QTest::addColumn<QSizeF>("body");
        QTest::addColumn<bool>("presenting");
        QTest::addColumn<int>("step");
        QTest::newRow("side by side, step 3") << QSizeF(760, 420) << false << 3;
        QTest::newRow("side by side, prefill") << QSizeF(760, 420) << false << 0;
        QTest::newRow("one pane") << QSizeF(1520, 420) << false << 4;
        QTest::newRow("presenting") << QSizeF(900, 520) << true << 4;
        QTest::newRow("small") << QSizeF(420, 260) << false << 4;
    }
    void layoutBoxesStayApart()
    {
        QFETCH(QSizeF, body);
        QFETCH(bool, presenting);
        QFETCH(int, step);
        Frame frame = frameAt(m_llamaLesson, step, Phase::Rotate);
        if (presenting)
            frame.theme = frame.theme.presenting();
        const QRectF rect(QPointF(10, 20), body);
        for (DecodeMode mode : {DecodeMode::Uncached, DecodeMode::Cached}) {
            const RotationDiagram::Layout layout = RotationDiagram(mode).layout(rect, frame);
            const auto boxes = layout.boxes();
            for (std::size_t i = 0; i < boxes.size(); ++i) {
                QVERIFY2(rect.adjusted(-0.5, -0.5, 0.5, 0.5).contains(boxes[i].second),
                         qPrintable(boxes[i].first + QStringLiteral(" leaves the pane")));
                for (std::size_t j = i + 1; j < boxes.size(); ++j)
                    QVERIFY2(!boxes[i].second.adjusted(0.5, 0.5, -0.5, -0.5).intersects(boxes[j].second),
                             qPrintable(boxes[i].first + QStringLiteral(" overlaps ") + boxes[j].first));
            }
            if (body.height() >= 420)
                QVERIFY2(layout.detail == Detail::Cells && !layout.dials.empty(), "room for numbers and dials");
        }
    }

    // A wider head in the half-split layout (pairs (i, i+24) of 48) over 69
    // tokens: the rows are elided around the newest, the dials show the first
    // pairs and say how many are left out, and each dial turns its own pair of
    // dimensions by its angle.
    void longHalfSplitSequenceStaysLegible()
    {
        const kv::ModelBundle& words = kvtest::shippedModel(QStringLiteral("tiny-llama"));
        kv::ModelConfig config = kv::ModelConfig::llama("random-rope", 2, 96, 2, 1, 128, words.config().vocabSize, 256);
        config.ropeLayout = kv::RopeLayout::HalfSplit;
        auto model = std::make_shared<const kv::Transformer>(kvtest::randomTransformer(config, 3, 0.1f));
        const auto lesson = kvtest::lessonFor(model, words.tokenizer, kvtest::randomTokens(10, config.vocabSize), 60);
        QCOMPARE(lesson->phases.count(), 8);
        const Frame frame = frameAt(lesson, lesson->stepCount() - 1, Phase::Rotate);
        const QRectF body(0, 0, 760, 420);
        const auto layout = RotationDiagram(DecodeMode::Uncached).layout(body, frame);
        const int rows = int(frame.record(DecodeMode::Uncached).positions.size());
        QCOMPARE(rows, 69); // 10 prompt tokens and 59 fed back; the 60th is the last pick
        const MatrixSpec& k = layout.matrix(Part::KeyAfter);
        QVERIFY2(k.rows() < rows && k.elidedRows > 0, qPrintable(QString::number(k.rows())));
        QCOMPARE(k.sourceRow(k.rows() - 1), rows - 1); // the newest row stays in view
        for (const auto& [name, box] : layout.boxes())
            QVERIFY2(body.adjusted(-0.5, -0.5, 0.5, 0.5).contains(box), qPrintable(name + QStringLiteral(" leaves the pane")));

        const auto cached = RotationDiagram(DecodeMode::Cached).layout(body, frame);
        QVERIFY(!cached.dials.empty());
        QCOMPARE(int(cached.dials.size()) + cached.pairsLeftOut, 24);
        QVERIFY(cached.pairsLeftOut > 0);
        for (const RotationDiagram::Dial& dial : cached.dials) {
            const double c = std::cos(double(dial.angle)), s = std::sin(double(dial.angle));
            QVERIFY(std::abs(dial.afterX - (dial.beforeX * c - dial.beforeY * s)) < 1e-4);
            QVERIFY(std::abs(dial.afterY - (dial.beforeX * s + dial.beforeY * c)) < 1e-4);
        }
        const auto full = RotationDiagram(DecodeMode::Cached).matrices(frame);
        QVERIFY(full[RotationDiagram::slot(Part::QueryBefore)].caption.contains(QStringLiteral("pairs (i, i+24)")));
    }

    // The pane paints the rotation in the Rotate phase and its matrices otherwise.
    void paneDelegatesTheRotatePhase()
    {
        const QRectF rect(0, 0, 780, 560);
        QImage rotate(rect.size().toSize(), QImage::Format_ARGB32);
        QImage append(rotate.size(), QImage::Format_ARGB32);
        for (auto [image, phase] : {std::pair{&rotate, Phase::Rotate}, std::pair{&append, Phase::Append}}) {
            image->fill(Qt::white);
            QPainter painter(image);
            AttentionDiagram(DecodeMode::Cached).paint(painter, rect, frameAt(m_llamaLesson, 3, phase));
        }
        QVERIFY(rotate != append);
        const AttentionDiagram pane(DecodeMode::Cached);
        const Frame frame = frameAt(m_llamaLesson, 3, Phase::Rotate);
        const RotationDiagram::Layout inside = RotationDiagram(DecodeMode::Cached).layout(pane.layout(rect, frame).body, frame);
        const QPointF cell = inside.place(Part::KeyAngles).cellRect(0, 1).center();
        const QString tip = pane.tooltipAt(rect, frame, cell);
        QVERIFY2(tip.startsWith(QStringLiteral("pair 1 at position 3 turns by 3 × 10000^(−2·1/8)")), qPrintable(tip));
    }
};

QTEST_MAIN(TestRotation)
#include "tst_rotation.moc"
