"""Charts drawn on the server as SVG: no JavaScript, styled by attributes only (the strict
CSP allows no inline style), text in the page's dark grey, bars and marks at 3:1 or more
against the white background (WCAG 1.4.11). Each chart is an image named by its title
and described by its reading (``role="img"``, ``aria-labelledby``); its numbers are in the
table beside it, so nothing depends on colour or on seeing the chart."""

from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

INK = "#212529"  # text: 15.4:1 on white
BLUE = "#0b5c8a"  # 7.0:1
GREY = "#5c636a"  # 6.2:1
AMBER = "#b45309"  # 5.0:1
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
WIDTH = 420


@dataclass
class Bar:
    label: str
    value: float | None  # None: suppressed (a group under five)
    text: str  # the value in words, printed after the bar
    low: float | None = None  # a spread drawn as a line through the bar
    high: float | None = None
    marker: float | None = None  # a reference drawn as a diamond (the estimate)


@dataclass
class Segment:
    label: str
    share: float  # 0..1
    text: str


def _svg(chart_id: str, title: str, reading: str, height: int, body: str) -> SafeString:
    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title" '
        'aria-describedby="{id}-desc" '
        'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'font-family="{font}" font-size="13" fill="{ink}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{reading}</desc>{body}</svg>',
        id=chart_id,
        w=WIDTH,
        h=height,
        font=FONT,
        ink=INK,
        title=title,
        reading=reading,
        body=mark_safe(body),  # noqa: S308 - built below from escaped parts
    )


def _text(x, y, text, *, anchor="start", fill=INK, weight="normal", size=13) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" '
        f'font-weight="{weight}" font-size="{size}">{escape(text)}</text>'
    )


def bars(
    chart_id: str, title: str, reading: str, rows: list[Bar], *, label_width: int = 150
) -> SafeString:
    """Horizontal bars, one a row, the value in words after each; a suppressed row is an
    empty dashed box saying "fewer than 5"."""
    row_h, top = 28, 6
    area = WIDTH - label_width - 120
    top_value = max([v for r in rows for v in (r.value, r.high, r.marker) if v is not None] or [1])
    top_value = top_value or 1
    parts = []
    for i, row in enumerate(rows):
        y = top + i * row_h
        parts.append(_text(label_width - 8, y + 18, row.label, anchor="end"))
        if row.value is None:
            parts.append(
                f'<rect x="{label_width}" y="{y + 5}" width="60" height="18" fill="#ffffff" '
                f'stroke="{GREY}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            )
            parts.append(_text(label_width + 68, y + 18, row.text))
            continue
        width = max(0.0, area * row.value / top_value)
        parts.append(
            f'<rect x="{label_width}" y="{y + 5}" width="{width:.1f}" height="18" fill="{BLUE}"/>'
        )
        if row.low is not None and row.high is not None:
            x1 = label_width + area * row.low / top_value
            x2 = label_width + area * row.high / top_value
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y + 14}" x2="{x2:.1f}" y2="{y + 14}" '
                f'stroke="{AMBER}" stroke-width="3"/>'
                f'<line x1="{x1:.1f}" y1="{y + 8}" x2="{x1:.1f}" y2="{y + 20}" stroke="{AMBER}" '
                f'stroke-width="3"/><line x1="{x2:.1f}" y1="{y + 8}" x2="{x2:.1f}" y2="{y + 20}" '
                f'stroke="{AMBER}" stroke-width="3"/>'
            )
        if row.marker is not None:
            mx = label_width + area * row.marker / top_value
            parts.append(
                f'<path d="M{mx:.1f} {y + 2} l6 12 l-6 12 l-6 -12 z" fill="#ffffff" '
                f'stroke="{INK}" stroke-width="2"/>'
            )
        ends = [width] + [area * v / top_value for v in (row.high, row.marker) if v is not None]
        parts.append(_text(label_width + max(ends) + 10, y + 18, row.text))
    return _svg(chart_id, title, reading, top * 2 + row_h * len(rows), "".join(parts))


def stacked(
    chart_id: str,
    title: str,
    reading: str,
    rows: list[tuple[str, list[Segment] | str]],
    *,
    label_width: int = 150,
) -> SafeString:
    """Bars of 100 % split into segments (for, undecided, against) in three colours, each
    labelled with its share where it fits; a legend names the colours; a row given as a
    text instead ("fewer than 5", "none yet") is an empty dashed box saying so."""
    row_h, top = 30, 30
    area = WIDTH - label_width - 10
    colours = [BLUE, GREY, AMBER]
    parts = []
    legend = next((segments for _, segments in rows if not isinstance(segments, str)), None)
    if legend:
        x = label_width
        for colour, segment in zip(colours, legend, strict=False):
            parts.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{colour}"/>')
            parts.append(_text(x + 20, 18, segment.label))
            x += 30 + 8 * len(segment.label)
    for i, (label, segments) in enumerate(rows):
        y = top + i * row_h
        parts.append(_text(label_width - 8, y + 19, label, anchor="end"))
        if isinstance(segments, str):  # "fewer than 5", "none yet"
            parts.append(
                f'<rect x="{label_width}" y="{y + 5}" width="60" height="20" fill="#ffffff" '
                f'stroke="{GREY}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            )
            parts.append(_text(label_width + 68, y + 19, segments))
            continue
        x = float(label_width)
        for colour, segment in zip(colours, segments, strict=False):
            width = area * segment.share
            if width <= 0:
                continue
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 5}" width="{width:.1f}" height="20" '
                f'fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
            )
            if width >= 38:
                parts.append(
                    _text(x + width / 2, y + 19, segment.text, anchor="middle", fill="#ffffff")
                )
            x += width
    return _svg(chart_id, title, reading, top + row_h * len(rows) + 6, "".join(parts))


def columns(
    chart_id: str,
    title: str,
    reading: str,
    points: list[tuple[str, float | None, str]],
    *,
    marks: list[float | None] | None = None,
) -> SafeString:
    """Columns over time (a week each), labelled below every few; a suppressed week is an
    empty dashed column. ``marks`` (e.g. the 90th percentile) are drawn as ticks."""
    height, left, bottom, top = 200, 10, 40, 24
    plot_h = height - bottom - top
    step = (WIDTH - left * 2) / max(1, len(points))
    values = [v for _, v, _ in points if v is not None] + [m for m in marks or [] if m]
    top_value = max(values or [1]) or 1
    every = max(1, -(-len(points) // 8))
    parts = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - left}" y2="{height - bottom}" '
        f'stroke="{GREY}" stroke-width="1"/>'
    ]
    for i, (label, value, text) in enumerate(points):
        x = left + i * step + step * 0.15
        w = step * 0.7
        if value is None:
            parts.append(
                f'<rect x="{x:.1f}" y="{height - bottom - 20}" width="{w:.1f}" height="20" '
                f'fill="#ffffff" stroke="{GREY}" stroke-width="1.5" stroke-dasharray="3 2"/>'
            )
        else:
            h = plot_h * value / top_value
            parts.append(
                f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{w:.1f}" '
                f'height="{h:.1f}" fill="{BLUE}"><title>{escape(label)}: {escape(text)}</title>'
                "</rect>"
            )
        if marks and i < len(marks) and marks[i]:
            my = height - bottom - plot_h * marks[i] / top_value
            parts.append(
                f'<line x1="{x - 2:.1f}" y1="{my:.1f}" x2="{x + w + 2:.1f}" y2="{my:.1f}" '
                f'stroke="{AMBER}" stroke-width="3"/>'
            )
        if i % every == 0:
            parts.append(_text(x + w / 2, height - bottom + 16, label, anchor="middle", size=12))
    best = max(((v, t) for _, v, t in points if v is not None), default=None, key=lambda p: p[0])
    if best:
        parts.append(_text(WIDTH - left, 14, f"Highest: {best[1]}", anchor="end", size=12))
    return _svg(chart_id, title, reading, height, "".join(parts))
