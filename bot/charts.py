"""Small PNG charts for Slack: each manager's 12-week cadence trend, as small multiples.

matplotlib is imported inside the function, only when a chart is drawn, so nothing else
in Coach (the web workers, every other sweep) pays for loading it. The Figure API with the
Agg canvas keeps no global state (no pyplot), so charts can be drawn on any thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

# Panels per chart: beyond a dozen, small multiples stop being small.
MAX_PANELS = 12
_BAR = "#2e7d6b"
_EMPTY = "#d9d9d9"


def cadence_trend_png(
    series: Sequence[tuple[str, Sequence[float | None]]],
    weeks: Sequence[date],
    *,
    title: str,
    empty_label: str,
) -> bytes:
    """One small panel per manager (in the order given, never sorted by a figure): a bar
    per week for the share of 1:1s kept on time; a week where nothing fell due is a grey
    stub marked ``empty_label`` in the legend."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = list(series)[:MAX_PANELS]
    columns = min(3, max(1, len(panels)))
    rows = max(1, -(-len(panels) // columns))
    figure = Figure(figsize=(3.2 * columns, 1.9 * rows + 0.6), dpi=100)
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=11)
    labels = [f"{week.day} {week:%b}" for week in weeks]
    for index, (name, points) in enumerate(panels):
        axes = figure.add_subplot(rows, columns, index + 1)
        heights = [100 * point if point is not None else 4 for point in points]
        colours = [_BAR if point is not None else _EMPTY for point in points]
        axes.bar(range(len(points)), heights, color=colours, width=0.75)
        axes.set_ylim(0, 100)
        axes.set_yticks([0, 50, 100])
        axes.set_yticklabels(["0", "50%", "100%"], fontsize=7)
        axes.set_xticks([0, len(points) - 1])
        axes.set_xticklabels([labels[0], labels[-1]] if labels else ["", ""], fontsize=7)
        axes.set_title(name, fontsize=9)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    if any(point is None for _, points in panels for point in points):
        figure.text(0.99, 0.01, empty_label, ha="right", va="bottom", fontsize=7, color="#777")
    figure.tight_layout(rect=(0, 0.03, 1, 0.95))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
