#include "app/window/TaskBar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace kvlab {

TaskBar::TaskBar(const QString& name, const QString& cancelTip, QWidget* parent)
    : QWidget(parent)
    , m_text(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    setObjectName(name + QStringLiteral("Bar"));
    m_text->setObjectName(name + QStringLiteral("Text"));
    m_text->setWordWrap(true);
    m_progress->setObjectName(name + QStringLiteral("Progress"));
    m_progress->setMinimumWidth(220);
    m_progress->setMaximumWidth(360);
    m_cancel->setObjectName(name + QStringLiteral("Cancel"));
    m_cancel->setToolTip(cancelTip);
    m_cancel->setFocusPolicy(Qt::NoFocus);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &TaskBar::cancelClicked);
    hide();
}

} // namespace kvlab
