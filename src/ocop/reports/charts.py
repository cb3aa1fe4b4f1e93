"""Charts drawn on the server as SVG: no JavaScript, no third-party code, the same markup inline
on the dashboard, served alone (`reports:chart`) and inside WeasyPrint PDFs.

Each chart is accessible: `role="img"` named by its `<title>` and described by its `<desc>` (which
lists every value), every bar labelled with its text and its value in the active language's
number format (1.234 and 100,3 in Vietnamese), every text escaped. The page shows the data table
beside each chart for people who read rather than look.

    bar_chart(_("Ranked products by class"), [("5★", 0), ("4★", 207), ("3★", 88)])
    grouped_bar_chart(_("Ranked products per year"), ["2019", "2020"],
                      [("4★", [207, 150]), ("3★", [88, 60])])

Both return a `<svg>` string (no XML declaration, so it can be inlined in HTML).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext

Number = int | float | Decimal

FONT = "DejaVu Sans, Arial, sans-serif"
INK = "#1d2733"
MUTED = "#5b6673"
GRID = "#c9d1da"
# Colours with enough contrast against white and between neighbours (stars: 5, potential 5, 4, 3).
PALETTE = ("#7a1f5c", "#c0587e", "#1f5f8b", "#3f8f5f", "#b36b00", "#5b4a9e", "#4d5f6e")
BAR_COLOUR = "#1f5f8b"
CHAR_WIDTH = 7.2  # an estimate of a 13px character, to size the label column
TITLE_HEIGHT = 30


def number_text(value: Number | None) -> str:
    """A value in the active language's format: thousands grouped, at most one decimal."""
    if value is None:
        return "–"
    if isinstance(value, int) or (not isinstance(value, bool) and float(value).is_integer()):
        return number_format(int(value), use_l10n=True, force_grouping=True)
    return number_format(
        Decimal(str(value)).quantize(Decimal("0.1")),
        decimal_pos=1,
        use_l10n=True,
        force_grouping=True,
    )


def _text(value: Any) -> str:
    return escape(str(value), quote=True)


def _ident(prefix: str, *parts: Any) -> str:
    digest = hashlib.blake2s(repr(parts).encode("utf-8")).hexdigest()[:8]
    return f"{prefix}-{digest}"


def _open(
    ident: str, width: float, height: float, title: str, description: str, show_title: bool
) -> list[str]:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="{FONT}" font-size="13">',
        f'<title id="{ident}-title">{_text(title)}</title>',
        f'<desc id="{ident}-desc">{_text(description)}</desc>',
    ]
    if show_title:
        parts.append(
            f'<text x="0" y="18" font-size="15" font-weight="bold" fill="{INK}">'
            f"{_text(title)}</text>"
        )
    return parts


def _describe(pairs: Sequence[tuple[Any, Number | None]]) -> str:
    return "; ".join(f"{label}: {number_text(value)}" for label, value in pairs)


def bar_chart(
    title: str,
    data: Sequence[tuple[Any, Number | None]],
    *,
    description: str = "",
    ident: str = "",
    width: int = 560,
    colours: Sequence[str] | None = None,
    show_title: bool = True,
) -> str:
    """Horizontal bars, one per (label, value), the value written after each bar. `colours`
    colours the bars in turn (one colour by default). `show_title=False` leaves the title to
    the page's heading (it stays the chart's accessible name)."""
    pairs = [(str(label), value) for label, value in data]
    ident = ident or _ident("chart", title, pairs)
    label_width = min(220.0, max([len(label) for label, _ in pairs] + [4]) * CHAR_WIDTH + 12)
    value_room = 70.0
    row, bar = 30.0, 20.0
    plot_left = label_width + 8
    plot_width = max(60.0, width - plot_left - value_room)
    head = TITLE_HEIGHT if show_title else 6.0
    height = head + row * max(1, len(pairs)) + 10
    top = max([float(value or 0) for _, value in pairs] + [0.0]) or 1.0
    text = description or _describe(pairs) or gettext("No data.")
    parts = _open(ident, width, height, title, text, show_title)
    parts.append(
        f'<line x1="{plot_left:.1f}" y1="{head - 4}" x2="{plot_left:.1f}" '
        f'y2="{height - 6:.1f}" stroke="{GRID}" stroke-width="1"/>'
    )
    for index, (label, value) in enumerate(pairs):
        y = head + index * row
        length = plot_width * max(0.0, float(value or 0)) / top
        colour = (colours or (BAR_COLOUR,))[index % len(colours or (BAR_COLOUR,))]
        middle = y + bar / 2 + 4.5
        parts.append('<g class="chart-bar">')
        parts.append(
            f'<text x="{label_width:.1f}" y="{middle:.1f}" text-anchor="end" '
            f'fill="{INK}">{_text(label)}</text>'
        )
        parts.append(
            f'<rect x="{plot_left:.1f}" y="{y:.1f}" width="{length:.1f}" height="{bar:.0f}" '
            f'fill="{colour}"><title>{_text(label)}: {_text(number_text(value))}</title></rect>'
        )
        parts.append(
            f'<text x="{plot_left + length + 6:.1f}" y="{middle:.1f}" fill="{INK}" '
            f'font-weight="bold">{_text(number_text(value))}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def grouped_bar_chart(
    title: str,
    groups: Sequence[Any],
    series: Sequence[tuple[Any, Sequence[Number | None]]],
    *,
    stacked: bool = True,
    description: str = "",
    ident: str = "",
    width: int = 560,
    colours: Sequence[str] = PALETTE,
    show_title: bool = True,
) -> str:
    """Vertical bars per group (a year, say), one segment (stacked) or one bar (side by side)
    per series, a legend, and each group's total above its stack."""
    labels = [str(group) for group in groups]
    named = [(str(name), [float(v or 0) for v in values]) for name, values in series]
    raw = [(str(name), list(values)) for name, values in series]
    ident = ident or _ident("chart", title, labels, raw)
    legend_height = 22.0
    head = TITLE_HEIGHT if show_title else 4.0
    plot_top = head + legend_height + 14
    plot_bottom_room = 24.0
    plot_height = 180.0
    height = plot_top + plot_height + plot_bottom_room
    left, right = 8.0, 8.0
    slot = (width - left - right) / max(1, len(labels))
    totals = [sum(values[i] for _, values in named) for i in range(len(labels))]
    if stacked:
        top = max([*totals, 0.0]) or 1.0
    else:
        top = max([*(v for _, values in named for v in values), 0.0]) or 1.0
    if not description:
        rows = []
        for index, label in enumerate(labels):
            cells = ", ".join(
                f"{name}: {number_text(values[index] if index < len(values) else 0)}"
                for name, values in raw
            )
            total = number_text(totals[index]) if stacked else ""
            rows.append(f"{label}: {cells}" + (f" ({total})" if stacked else ""))
        description = "; ".join(rows)
    parts = _open(ident, width, height, title, description, show_title)
    # legend
    x = 0.0
    for index, (name, _values) in enumerate(named):
        colour = colours[index % len(colours)]
        parts.append(f'<rect x="{x:.1f}" y="{head:.0f}" width="12" height="12" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 16:.1f}" y="{head + 11:.0f}" fill="{INK}">{_text(name)}</text>'
        )
        x += 16 + len(name) * CHAR_WIDTH + 18
    baseline = plot_top + plot_height
    parts.append(
        f'<line x1="{left:.1f}" y1="{baseline:.1f}" x2="{width - right:.1f}" y2="{baseline:.1f}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )
    bar_width = min(56.0, slot * 0.6)
    for index, label in enumerate(labels):
        centre = left + slot * index + slot / 2
        parts.append('<g class="chart-group">')
        if stacked:
            y = baseline
            for number, (name, values) in enumerate(named):
                value = values[index] if index < len(values) else 0.0
                size = plot_height * value / top
                if size <= 0:
                    continue
                y -= size
                parts.append(
                    f'<rect x="{centre - bar_width / 2:.1f}" y="{y:.1f}" width="{bar_width:.1f}" '
                    f'height="{size:.1f}" fill="{colours[number % len(colours)]}">'
                    f"<title>{_text(label)} · {_text(name)}: {_text(number_text(value))}</title>"
                    "</rect>"
                )
                if size >= 16:
                    parts.append(
                        f'<text x="{centre:.1f}" y="{y + size / 2 + 4.5:.1f}" text-anchor="middle" '
                        f'fill="#ffffff" font-size="11">{_text(number_text(value))}</text>'
                    )
            parts.append(
                f'<text x="{centre:.1f}" y="{y - 5:.1f}" text-anchor="middle" fill="{INK}" '
                f'font-weight="bold">{_text(number_text(totals[index]))}</text>'
            )
        else:
            count = max(1, len(named))
            each = bar_width / count
            for number, (name, values) in enumerate(named):
                value = values[index] if index < len(values) else 0.0
                size = plot_height * value / top
                x0 = centre - bar_width / 2 + each * number
                parts.append(
                    f'<rect x="{x0:.1f}" y="{baseline - size:.1f}" width="{each - 1:.1f}" '
                    f'height="{size:.1f}" fill="{colours[number % len(colours)]}">'
                    f"<title>{_text(label)} · {_text(name)}: {_text(number_text(value))}</title>"
                    "</rect>"
                )
                parts.append(
                    f'<text x="{x0 + each / 2:.1f}" y="{baseline - size - 4:.1f}" '
                    f'text-anchor="middle" fill="{INK}" font-size="11">'
                    f"{_text(number_text(value))}</text>"
                )
        parts.append(
            f'<text x="{centre:.1f}" y="{baseline + 17:.1f}" text-anchor="middle" '
            f'fill="{MUTED}">{_text(label)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)
