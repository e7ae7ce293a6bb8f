#include "views/diagrams/ExportView.h"

#include <QCoreApplication>

#include <algorithm>
#include <array>

namespace kvlab {

namespace {

struct ViewName {
    ExportView view;
    const char* id;
    const char* label;
};

constexpr std::array kViewNames{
    ViewName{ExportView::Both, "both", QT_TRANSLATE_NOOP("ExportView", "Both panes")},
    ViewName{ExportView::Uncached, "uncached", QT_TRANSLATE_NOOP("ExportView", "Without KV cache (one pane)")},
    ViewName{ExportView::Cached, "cached", QT_TRANSLATE_NOOP("ExportView", "With KV cache (one pane)")},
    ViewName{ExportView::Strip, "strip", QT_TRANSLATE_NOOP("ExportView", "Token strip")},
    ViewName{ExportView::Window, "window", QT_TRANSLATE_NOOP("ExportView", "Whole window layout")},
    ViewName{ExportView::CostChart, "cost-chart", QT_TRANSLATE_NOOP("ExportView", "Chart: cost per step")},
    ViewName{ExportView::ScalingChart, "scaling-chart", QT_TRANSLATE_NOOP("ExportView", "Chart: cost vs length")},
    ViewName{ExportView::WholeCache, "whole-cache", QT_TRANSLATE_NOOP("ExportView", "The whole cache")},
    ViewName{ExportView::AllHeads, "all-heads", QT_TRANSLATE_NOOP("ExportView", "All heads at this step")},
};

const ViewName& nameOf(ExportView view)
{
    return *std::find_if(kViewNames.begin(), kViewNames.end(), [view](const ViewName& name) { return name.view == view; });
}

} // namespace

const std::vector<ExportView>& exportViews()
{
    static const std::vector<ExportView> views = [] {
        std::vector<ExportView> all;
        for (const ViewName& name : kViewNames)
            all.push_back(name.view);
        return all;
    }();
    return views;
}

QString exportViewId(ExportView view)
{
    return QString::fromLatin1(nameOf(view).id);
}

QString exportViewLabel(ExportView view)
{
    return QCoreApplication::translate("ExportView", nameOf(view).label);
}

std::optional<ExportView> exportViewFromId(const QString& id)
{
    for (const ViewName& name : kViewNames)
        if (id.compare(QLatin1String(name.id), Qt::CaseInsensitive) == 0)
            return name.view;
    return std::nullopt;
}

} // namespace kvlab
