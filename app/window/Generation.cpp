#include "app/window/Generation.h"

#include "core/decode/DecodeSession.h"
#include "core/decode/TraceGenerator.h"

#include <QThread>

#include <exception>

namespace kvlab {

namespace {

// A step on its way from the generating thread to the GUI thread.
struct ArrivingStep {
    kv::StepRecord step;
    kv::KVCache rows;
};

} // namespace

Generation::Generation(std::shared_ptr<const kv::Transformer> model, std::shared_ptr<const kv::Tokenizer> tokenizer,
                       QString modelName, std::vector<int> prompt, int plannedSteps, kv::GenerationSettings settings,
                       QObject* parent)
    : QObject(parent)
    , m_walk(std::make_shared<kv::LazyWalkThrough>(model, prompt, plannedSteps, settings.sampling))
    , m_tokenizer(tokenizer)
    , m_modelName(std::move(modelName))
    , m_planned(plannedSteps)
{
    const int eosId = tokenizer->eosId();
    m_thread = QThread::create([this, model, prompt, settings, eosId] { run(model, prompt, settings, eosId); });
    // Queued after every step the thread posted: finished() comes last.
    connect(m_thread, &QThread::finished, this, [this] {
        m_running = false;
        emit finished();
    });
    m_thread->start();
}

Generation::~Generation()
{
    m_stop = true;
    m_thread->wait();
    delete m_thread;
}

void Generation::run(std::shared_ptr<const kv::Transformer> model, std::vector<int> prompt,
                     kv::GenerationSettings settings, int eosId)
{
    try {
        kv::DecodeSession session(*model, kv::DecodeMode::Cached);
        kv::generateSteps(session, prompt, settings, eosId, [this](kv::StepRecord&& step, const kv::DecodeSession& ran) {
            if (m_stop)
                return false;
            auto arriving = std::make_shared<ArrivingStep>(
                ArrivingStep{{}, kv::LazyWalkThrough::rowsAppended(ran.cache(), step)});
            arriving->step = std::move(step);
            QMetaObject::invokeMethod(
                this, [this, arriving] { receive(std::move(arriving->step), arriving->rows); }, Qt::QueuedConnection);
            return !m_stop;
        });
    } catch (const std::exception& error) {
        const QString message = QString::fromStdString(error.what());
        QMetaObject::invokeMethod(this, [this, message] { fail(message); }, Qt::QueuedConnection);
    }
}

void Generation::receive(kv::StepRecord step, const kv::KVCache& rows)
{
    if (m_cancelled)
        return;
    try {
        m_walk->append(std::move(step), rows);
    } catch (const std::exception& error) {
        fail(QString::fromStdString(error.what()));
        return;
    }
    emit stepAdded(m_walk->stepCount(), m_planned);
}

void Generation::fail(const QString& message)
{
    m_stop = true;
    m_cancelled = true;
    emit failed(message);
}

void Generation::cancel()
{
    m_cancelled = true;
    m_stop = true;
}

std::shared_ptr<const Lesson> Generation::lesson() const
{
    if (m_walk->stepCount() == 0)
        return nullptr;
    auto lesson = std::make_shared<Lesson>(m_walk);
    lesson->tokenizer = m_tokenizer;
    lesson->modelName = m_modelName;
    return lesson;
}

} // namespace kvlab
