#include "app/export/ExportDialog.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>

namespace kvlab {

namespace {

using Format = ExportSettings::Format;
using Size = ExportSettings::Size;
using Steps = ExportSettings::Steps;
using ThemeChoice = ExportSettings::ThemeChoice;

const QString kGroup = QStringLiteral("export/");
constexpr int kShownNames = 5;

QString defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::PicturesLocation) + QStringLiteral("/kvcache-lab");
}

void selectData(QComboBox* box, const QVariant& data)
{
    box->setCurrentIndex(std::max(0, box->findData(data)));
}

QString files(int count)
{
    return count == 1 ? ExportDialog::tr("1 file") : ExportDialog::tr("%1 files").arg(count);
}

QString pages(int count)
{
    return count == 1 ? ExportDialog::tr("1 page") : ExportDialog::tr("%1 pages").arg(count);
}

QHBoxLayout* rowLayout(QWidget* row)
{
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    return layout;
}

} // namespace

ExportDialog::ExportDialog(const Frame& current, QWidget* parent)
    : QDialog(parent)
    , m_current(current)
{
    setWindowTitle(tr("Export for Slides"));
    buildForm();
    restore();
    connectUpdates();
    refresh();
}

void ExportDialog::buildForm()
{
    auto* form = new QFormLayout(this);
    m_view = new QComboBox(this);
    for (ExportView view : exportViews())
        m_view->addItem(exportViewLabel(view), static_cast<int>(view));
    form->addRow(tr("&Show:"), m_view);
    form->addRow(tr("Steps:"), buildStepsRow());
    m_perPhase = new QCheckBox(tr("One page for each &phase of a step"), this);
    form->addRow(QString(), m_perPhase);
    m_animation = new QCheckBox(tr("&Animation: every phase as numbered PNG frames at"), this);
    m_fps = new QSpinBox(this);
    m_fps->setRange(1, 60);
    m_fps->setSuffix(tr(" frames/s"));
    auto* animationRow = new QWidget(this);
    rowLayout(animationRow)->addWidget(m_animation);
    animationRow->layout()->addWidget(m_fps);
    form->addRow(QString(), animationRow);
    form->addRow(tr("&Format:"), buildFormatRow());
    m_size = new QComboBox(this);
    for (Size size : {Size::Wide, Size::Classic, Size::A4Landscape})
        m_size->addItem(ExportSettings::sizeLabel(size), static_cast<int>(size));
    form->addRow(tr("Page si&ze:"), m_size);
    m_theme = new QComboBox(this);
    m_theme->addItem(tr("Print: white, black text, colour-blind safe"), static_cast<int>(ThemeChoice::Print));
    m_theme->addItem(tr("Screen: the colours of the window"), static_cast<int>(ThemeChoice::Screen));
    form->addRow(tr("&Theme:"), m_theme);
    m_caption = new QCheckBox(tr("&Caption: step, phase and a line of narration"), this);
    form->addRow(QString(), m_caption);
    m_strip = new QCheckBox(tr("Token st&rip above the panes or chart"), this);
    form->addRow(QString(), m_strip);
    m_legend = new QCheckBox(tr("&Legend: the colour key of cell states and values"), this);
    form->addRow(QString(), m_legend);
    form->addRow(tr("F&older:"), buildFolderRow());
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    form->addRow(m_summary);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Export"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    form->addRow(m_buttons);
}

QWidget* ExportDialog::buildStepsRow()
{
    auto* row = new QWidget(this);
    QHBoxLayout* layout = rowLayout(row);
    m_steps = new QButtonGroup(row);
    const int last = m_current.lesson ? m_current.lesson->stepCount() - 1 : 0;
    m_firstStep = new QSpinBox(row);
    m_lastStep = new QSpinBox(row);
    for (QSpinBox* box : {m_firstStep, m_lastStep})
        box->setRange(0, std::max(0, last));
    m_firstStep->setValue(std::max(0, m_current.step));
    m_lastStep->setValue(last);
    const std::pair<Steps, QString> choices[] = {
        {Steps::Current, tr("C&urrent frame")}, {Steps::Range, tr("Steps")}, {Steps::All, tr("A&ll steps")}};
    for (const auto& [steps, text] : choices) {
        auto* button = new QRadioButton(text, row);
        m_steps->addButton(button, static_cast<int>(steps));
        layout->addWidget(button);
        if (steps == Steps::Range) {
            layout->addWidget(m_firstStep);
            layout->addWidget(new QLabel(QStringLiteral("–"), row));
            layout->addWidget(m_lastStep);
        }
    }
    layout->addStretch();
    return row;
}

QWidget* ExportDialog::buildFormatRow()
{
    auto* row = new QWidget(this);
    QHBoxLayout* layout = rowLayout(row);
    m_format = new QComboBox(row);
    m_format->addItem(tr("PNG image"), static_cast<int>(Format::Png));
    m_format->addItem(tr("SVG vector, text kept as text"), static_cast<int>(Format::Svg));
    m_format->addItem(tr("PDF, one page per frame"), static_cast<int>(Format::Pdf));
    m_scale = new QComboBox(row);
    for (double scale : {1.0, 2.0, 3.0, 4.0})
        m_scale->addItem(tr("%1× pixels").arg(scale), scale);
    m_transparent = new QCheckBox(tr("Transparent background"), row);
    layout->addWidget(m_format);
    layout->addWidget(m_scale);
    layout->addWidget(m_transparent);
    layout->addStretch();
    return row;
}

QWidget* ExportDialog::buildFolderRow()
{
    auto* row = new QWidget(this);
    QHBoxLayout* layout = rowLayout(row);
    m_directory = new QLineEdit(row);
    m_directory->setMinimumWidth(360);
    auto* browse = new QPushButton(tr("&Browse…"), row);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString chosen = QFileDialog::getExistingDirectory(this, tr("Export to folder"), m_directory->text());
        if (!chosen.isEmpty())
            m_directory->setText(chosen);
    });
    layout->addWidget(m_directory, 1);
    layout->addWidget(browse);
    return row;
}

void ExportDialog::connectUpdates()
{
    const auto refreshOn = [this](auto* widget, auto signal) { connect(widget, signal, this, &ExportDialog::refresh); };
    for (QComboBox* box : {m_view, m_format, m_scale, m_size, m_theme})
        refreshOn(box, &QComboBox::currentIndexChanged);
    for (QCheckBox* box : {m_perPhase, m_animation, m_transparent, m_caption, m_strip, m_legend})
        refreshOn(box, &QCheckBox::toggled);
    for (QSpinBox* box : {m_firstStep, m_lastStep, m_fps})
        refreshOn(box, &QSpinBox::valueChanged);
    refreshOn(m_steps, &QButtonGroup::idToggled);
    refreshOn(m_directory, &QLineEdit::textChanged);
}

ExportSettings ExportDialog::settings() const
{
    ExportSettings settings;
    settings.directory = m_directory->text().trimmed();
    settings.view = static_cast<ExportView>(m_view->currentData().toInt());
    settings.steps = static_cast<Steps>(m_steps->checkedId());
    settings.firstStep = m_firstStep->value();
    settings.lastStep = m_lastStep->value();
    settings.perPhase = m_perPhase->isChecked();
    settings.animation = m_animation->isChecked();
    settings.fps = m_fps->value();
    settings.format = static_cast<Format>(m_format->currentData().toInt());
    settings.pngScale = m_scale->currentData().toDouble();
    settings.transparent = m_transparent->isChecked();
    settings.size = static_cast<Size>(m_size->currentData().toInt());
    settings.theme = static_cast<ThemeChoice>(m_theme->currentData().toInt());
    settings.caption = m_caption->isChecked();
    settings.strip = m_strip->isChecked();
    settings.legend = m_legend->isChecked();
    return settings;
}

void ExportDialog::setSettings(const ExportSettings& settings)
{
    m_directory->setText(settings.directory);
    selectData(m_view, static_cast<int>(settings.view));
    if (QAbstractButton* button = m_steps->button(static_cast<int>(settings.steps)))
        button->setChecked(true);
    m_firstStep->setValue(settings.firstStep);
    m_lastStep->setValue(settings.lastStep);
    m_perPhase->setChecked(settings.perPhase);
    m_animation->setChecked(settings.animation);
    m_fps->setValue(settings.fps);
    selectData(m_format, static_cast<int>(settings.format));
    selectData(m_scale, settings.pngScale);
    m_transparent->setChecked(settings.transparent);
    selectData(m_size, static_cast<int>(settings.size));
    selectData(m_theme, static_cast<int>(settings.theme));
    m_caption->setChecked(settings.caption);
    m_strip->setChecked(settings.strip);
    m_legend->setChecked(settings.legend);
    refresh();
}

QString ExportDialog::summary() const
{
    return summaryOf(ExportJob(settings(), m_current));
}

QString ExportDialog::summaryOf(const ExportJob& job)
{
    if (const QString problem = job.problem(); !problem.isEmpty())
        return tr("Cannot export: %1.").arg(problem);
    const QStringList names = job.fileNames();
    QString text = names.size() <= kShownNames ? names.join(QStringLiteral(", "))
                                               : tr("%1, %2 … %3").arg(names[0], names[1], names.last());
    if (job.settings().effectiveFormat() == Format::Pdf)
        text += QStringLiteral(" (%1)").arg(pages(job.pageCount()));
    const int existing = static_cast<int>(job.existingFiles().size());
    const QString replaced = existing > 0 ? tr(" Already there, to be replaced: %1.").arg(files(existing)) : QString();
    return tr("Writes %1: %2.").arg(files(static_cast<int>(names.size())), text) + replaced;
}

void ExportDialog::refresh()
{
    const bool animation = m_animation->isChecked();
    const bool png = animation || m_format->currentData().toInt() == static_cast<int>(Format::Png);
    m_format->setEnabled(!animation);
    m_perPhase->setEnabled(!animation);
    m_fps->setEnabled(animation);
    m_scale->setEnabled(png);
    m_transparent->setEnabled(png);
    const bool range = m_steps->checkedId() == static_cast<int>(Steps::Range);
    m_firstStep->setEnabled(range);
    m_lastStep->setEnabled(range);
    const ExportJob job(settings(), m_current);
    m_summary->setText(summaryOf(job));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(job.problem().isEmpty());
}

bool ExportDialog::confirmOverwrite(const QStringList& existing, const QString& folder)
{
    const QString first = existing.first();
    const QString question = tr("%1 already holds %2 of this export, such as %3. Replace them?")
                                 .arg(QDir::toNativeSeparators(folder), files(static_cast<int>(existing.size())), first);
    return QMessageBox::question(this, tr("Replace files?"), question, QMessageBox::Yes | QMessageBox::Cancel,
                                 QMessageBox::Cancel)
        == QMessageBox::Yes;
}

ExportJob::Result ExportDialog::runWithProgress(const ExportJob& job, QWidget* parent)
{
    if (job.pageCount() <= 1)
        return job.run();
    QProgressDialog progress(tr("Exporting %1…").arg(pages(job.pageCount())), tr("Cancel"), 0, job.pageCount(), parent);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(0);
    return job.run([&progress](int done, int) {
        progress.setValue(done);
        return !progress.wasCanceled();
    });
}

QString ExportDialog::doneMessage(const ExportJob::Result& result)
{
    if (!result.ok() || result.files.isEmpty())
        return {};
    const QString folder = QDir::toNativeSeparators(QFileInfo(result.files.first()).absolutePath());
    return result.files.size() == 1
        ? tr("Exported %1 to %2").arg(QFileInfo(result.files.first()).fileName(), folder)
        : tr("Exported %1 to %2").arg(files(static_cast<int>(result.files.size())), folder);
}

void ExportDialog::accept()
{
    ExportSettings chosen = settings();
    const QStringList existing = ExportJob(chosen, m_current).existingFiles();
    if (!existing.isEmpty()) {
        if (!confirmOverwrite(existing, chosen.directory))
            return;
        chosen.force = true;
    }
    m_result = runWithProgress(ExportJob(chosen, m_current), this);
    if (m_result.status == ExportJob::Result::Status::Cancelled) {
        QMessageBox::information(this, tr("Export cancelled"), tr("The export was cancelled; nothing was written."));
        return;
    }
    if (!m_result.ok()) {
        QMessageBox::critical(this, tr("Export failed"), tr("Nothing was written: %1.").arg(m_result.error));
        return;
    }
    save();
    QDialog::accept();
}

void ExportDialog::restore()
{
    const QSettings stored;
    ExportSettings defaults;
    defaults.steps = Steps::Current;
    defaults.directory = defaultDirectory();
    defaults.firstStep = std::max(0, m_current.step);
    defaults.lastStep = m_current.lesson ? m_current.lesson->stepCount() - 1 : 0;
    ExportSettings settings = defaults;
    settings.directory = stored.value(kGroup + "directory", defaults.directory).toString();
    settings.view = exportViewFromId(stored.value(kGroup + "view").toString()).value_or(defaults.view);
    settings.format = ExportSettings::formatFromId(stored.value(kGroup + "format").toString()).value_or(defaults.format);
    settings.pngScale = stored.value(kGroup + "scale", defaults.pngScale).toDouble();
    settings.transparent = stored.value(kGroup + "transparent", defaults.transparent).toBool();
    settings.size = static_cast<Size>(stored.value(kGroup + "size", static_cast<int>(defaults.size)).toInt());
    settings.theme = static_cast<ThemeChoice>(stored.value(kGroup + "theme", static_cast<int>(defaults.theme)).toInt());
    settings.caption = stored.value(kGroup + "caption", defaults.caption).toBool();
    settings.strip = stored.value(kGroup + "strip", defaults.strip).toBool();
    settings.legend = stored.value(kGroup + "legend", defaults.legend).toBool();
    settings.fps = stored.value(kGroup + "fps", defaults.fps).toInt();
    setSettings(settings);
}

void ExportDialog::save() const
{
    QSettings stored;
    const ExportSettings chosen = settings();
    stored.setValue(kGroup + "directory", chosen.directory);
    stored.setValue(kGroup + "view", exportViewId(chosen.view));
    stored.setValue(kGroup + "format", ExportSettings::formatId(chosen.format));
    stored.setValue(kGroup + "scale", chosen.pngScale);
    stored.setValue(kGroup + "transparent", chosen.transparent);
    stored.setValue(kGroup + "size", static_cast<int>(chosen.size));
    stored.setValue(kGroup + "theme", static_cast<int>(chosen.theme));
    stored.setValue(kGroup + "caption", chosen.caption);
    stored.setValue(kGroup + "strip", chosen.strip);
    stored.setValue(kGroup + "legend", chosen.legend);
    stored.setValue(kGroup + "fps", chosen.fps);
}

} // namespace kvlab
