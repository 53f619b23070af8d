"""Small SVG charts drawn on the server: horizontal bars and a funnel, each with its labels.

Each bar gets a line of its own for its label (left) and value (right), with the bar below
across the full width, so a long Chinese or English label never squeezes the bars and the chart
stays legible on a phone. The SVG carries a <title> and a <desc> and is labelled by them; the
numbers are also in the data table the page shows beside it.

Text width is estimated (a CJK character one em, other characters a little over half an em):
there are no font metrics on the server; a label too wide for its line is shortened with an
ellipsis, its full text kept in a <title> of its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 400
MARGIN = 8
FONT = 15
LABEL_LINE = 22
BAR_HEIGHT = 16
ROW_GAP = 12
BAR_COLOUR = "#1d5fa8"
FUNNEL_COLOUR = "#1e7b4f"
TRACK_COLOUR = "#e8edf2"
TEXT_COLOUR = "#1f2933"
FONT_FAMILY = "system-ui, -apple-system, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"


def text_width(text: str, size: float = FONT) -> float:
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.58 for ch in text)


def fit(text: str, room: float, size: float = FONT) -> str:
    """The text, or as much of it as fits in ``room`` followed by an ellipsis."""
    if text_width(text, size) <= room:
        return text
    kept = ""
    for ch in text:
        if text_width(kept + ch + "…", size) > room:
            break
        kept += ch
    return kept + "…"


def number_text(value: float, suffix: str = "") -> str:
    shown = f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return shown + suffix


def _svg(*, chart_id: str, title: str, description: str, height: float, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-family="{escape(FONT_FAMILY)}" font-size="{FONT}" fill="{TEXT_COLOUR}">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every text above is escaped


def _row_text(*, label: str, value: str, top: float) -> list[str]:
    value_room = text_width(value) + 12
    shown = fit(label, WIDTH - 2 * MARGIN - value_room)
    baseline = top + FONT
    parts = [f'<text x="{MARGIN}" y="{baseline:.0f}">']
    if shown != label:
        parts.append(f"<title>{escape(label)}</title>")
    parts.append(f"{escape(shown)}</text>")
    parts.append(
        f'<text x="{WIDTH - MARGIN}" y="{baseline:.0f}" text-anchor="end" font-weight="600">{escape(value)}</text>'
    )
    return parts


def bar_chart(
    *, chart_id: str, title: str, description: str, bars: Sequence[tuple[str, float]], suffix: str = ""
) -> SafeString:
    """Horizontal bars, longest value full width; a value of zero still shows its empty track."""
    top_value = max((value for _label, value in bars), default=0) or 1
    room = WIDTH - 2 * MARGIN
    body: list[str] = []
    y = float(MARGIN)
    for label, value in bars:
        body += _row_text(label=label, value=number_text(value, suffix), top=y)
        bar_y = y + LABEL_LINE
        body.append(
            f'<rect x="{MARGIN}" y="{bar_y:.0f}" width="{room}" height="{BAR_HEIGHT}" rx="3" fill="{TRACK_COLOUR}"/>'
        )
        if value > 0:
            width = max(room * value / top_value, 2)
            body.append(
                f'<rect x="{MARGIN}" y="{bar_y:.0f}" width="{width:.1f}" height="{BAR_HEIGHT}" rx="3" '
                f'fill="{BAR_COLOUR}"/>'
            )
        y = bar_y + BAR_HEIGHT + ROW_GAP
    return _svg(
        chart_id=chart_id, title=title, description=description, height=y + MARGIN - ROW_GAP, body=body
    )


def funnel_chart(
    *, chart_id: str, title: str, description: str, stages: Sequence[tuple[str, float]]
) -> SafeString:
    """Centred bars as wide as each stage's count against the first stage's; each value line
    gives the count and its share of the first stage, e.g. "12 · 80%"."""
    first = stages[0][1] if stages else 0
    room = WIDTH - 2 * MARGIN
    body: list[str] = []
    y = float(MARGIN)
    for label, value in stages:
        share = f" · {number_text(round(100 * value / first, 1), '%')}" if first else ""
        body += _row_text(label=label, value=number_text(value) + share, top=y)
        bar_y = y + LABEL_LINE
        width = max(room * value / first, 2) if first and value else 2
        x = MARGIN + (room - width) / 2
        body.append(
            f'<rect x="{x:.1f}" y="{bar_y:.0f}" width="{width:.1f}" height="{BAR_HEIGHT}" rx="3" '
            f'fill="{FUNNEL_COLOUR}"/>'
        )
        y = bar_y + BAR_HEIGHT + ROW_GAP
    return _svg(
        chart_id=chart_id, title=title, description=description, height=y + MARGIN - ROW_GAP, body=body
    )
