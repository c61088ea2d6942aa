"""The board paper's chart: recommendations by owner agency, stacked by BRAG, as a PNG.

Drawn on matplotlib's Agg backend through a `Figure` of its own (never pyplot's global state),
so it is safe in a server thread and needs no display.
"""

from __future__ import annotations

import textwrap
from io import BytesIO

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot: no display on a server

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# The order a board reads: worst first; the colours of the tracker's cells, a shade deeper.
SERIES = (
    ("red", "Red", "#E0474C"),
    ("amber", "Amber", "#F0A202"),
    ("green", "Green", "#5AA454"),
    ("blue", "Blue", "#3F7FBF"),
    ("grey", "Closed", "#A6A6A6"),
)
LABEL_WIDTH = 34


def chart_alt_text(by_agency: dict[str, dict[str, int]], when: str) -> str:
    """The chart in words, every number in it: "Bar chart of 36 recommendations by owner
    agency and BRAG rating, as at 31 October 2014: Children's Social Care — 2 green,
    2 blue; …". Agencies are separated by semicolons, because names hold commas and colons."""
    total = sum(sum(counts.values()) for counts in by_agency.values())
    entries = []
    for agency, counts in by_agency.items():
        parts = [f"{counts[key]} {name.lower()}" for key, name, _ in SERIES if counts.get(key)]
        entries.append(f"{agency} — {', '.join(parts) or 'none'}")
    noun = "recommendation" if total == 1 else "recommendations"
    return (
        f"Bar chart of {total} {noun} by owner agency and BRAG rating, {when}: "
        + "; ".join(entries)
        + "."
    )


def brag_chart_png(by_agency: dict[str, dict[str, int]], title: str) -> bytes:
    agencies = list(by_agency)[::-1]  # the first agency at the top
    height = max(2.0, 0.42 * len(agencies) + 1.1)  # room for a label on two lines
    figure = Figure(figsize=(10, height), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    lefts = [0] * len(agencies)
    labels = ["\n".join(textwrap.wrap(a, LABEL_WIDTH)) or a for a in agencies]
    for key, name, colour in SERIES:
        counts = [by_agency[a].get(key, 0) for a in agencies]
        if not any(counts) and key == "grey":
            continue
        bars = axes.barh(labels, counts, left=lefts, color=colour, label=name, edgecolor="white")
        for bar, n in zip(bars, counts, strict=True):
            if n:
                axes.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black",  # 4.5:1 or more on every bar colour; white is not
                )
        lefts = [left + n for left, n in zip(lefts, counts, strict=True)]
    axes.set_title(title, fontsize=11, loc="left")
    axes.set_xlabel("Recommendations")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="y", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    # The key below the bars, clear of a long title; "tight" keeps it inside the image.
    axes.legend(
        ncols=5, loc="upper center", bbox_to_anchor=(0.5, -0.35 / height * 2), frameon=False,
        fontsize=8,
    )  # fmt: skip
    figure.tight_layout()
    out = BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None}, bbox_inches="tight")
    return out.getvalue()
