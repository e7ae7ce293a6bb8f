#pragma once

#include <QString>

#include <optional>
#include <vector>

namespace kvlab {

// What an exported page shows. Adding a view takes three lines: a value here, its row in ExportView.cpp's table, and its case in
// PageDiagram::paintView(); the command line (--view) and the export dialog
// list the table, so they pick it up by themselves.
enum class ExportView {
    Both,     // both attention panes side by side
    Uncached, // the "Without KV cache" pane alone
    Cached,   // the "With KV cache" pane alone
    Strip,    // the token strip
    Window,   // the window's layout: strip, both panes, legend, step title, narration
    CostChart,    // the Charts dock's "Cost per step", the frame's step highlighted
    ScalingChart, // the Charts dock's "Cost vs length", the frame's length marked
    WholeCache,   // every layer x KV head's block of the cache, beside what the uncached path rebuilds
    AllHeads,     // every layer x query head's attention at the step, both paths
};

const std::vector<ExportView>& exportViews(); // in the order menus list them
QString exportViewId(ExportView view);        // "both": the --view value
QString exportViewLabel(ExportView view);     // "Both panes": what the dialog shows
std::optional<ExportView> exportViewFromId(const QString& id);

} // namespace kvlab
