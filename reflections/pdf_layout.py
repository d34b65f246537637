"""A reflection's page HTML laid out as PDF with ReportLab, a hundred times faster than
a CSS engine.

The input is the HTML the portfolio's templates make for one reflection
(``reflections/export/pdf_reflection.html``): our own markup around Markdown that
``portal.markdown`` has already cleaned to a short list of tags. Each tag of that list
has a rule here; anything else is read as plain text, so nothing a trainee writes is
lost. The look follows ``_pdf.css``: A4, DejaVu Sans, the running footer (the trainee's
name and the reflection's title), coloured bars beside the prompt, feedback and
sign-offs.
"""

import io
import re
from dataclasses import dataclass, field
from functools import cache
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    ListFlowable,
    ListItem,
    Paragraph,
    Preformatted,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from portal.ids import parse_id

BLUE, GREY, DARK = (
    colors.HexColor("#0b5c8a"),
    colors.HexColor("#555555"),
    colors.HexColor("#1a1a1a"),
)
BARS = {
    "prompt": colors.HexColor("#f5a623"),
    "feedback": BLUE,
    "signoffs": colors.HexColor("#2e7d32"),
    "blockquote": colors.HexColor("#bbbbbb"),
}
MARGINS = {
    "leftMargin": 18 * mm,
    "rightMargin": 18 * mm,
    "topMargin": 18 * mm,
    "bottomMargin": 20 * mm,
}
INLINE = {"a", "abbr", "b", "strong", "i", "em", "code", "del", "s", "sub", "sup", "br", "span"}
MARKUP = {"b": "b", "strong": "b", "i": "i", "em": "i", "del": "strike", "s": "strike",
          "sub": "sub", "sup": "super"}  # fmt: skip
VOID = {"br", "hr", "meta", "img", "input"}


# --- fonts and styles -------------------------------------------------------------------


STANDARD = {
    "sans": "Helvetica",
    "sans-bold": "Helvetica-Bold",
    "sans-italic": "Helvetica-Oblique",
    "sans-bolditalic": "Helvetica-BoldOblique",
    "mono": "Courier",
}


@cache
def embedded_fonts() -> dict[str, str]:
    """DejaVu (Debian's fonts-dejavu, as the HTML exports use) where it is installed,
    otherwise Bitstream Vera, which ReportLab carries: both cover far more than Latin-1."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    bundled = Path(__import__("reportlab").__file__).parent / "fonts"
    faces = {
        "sans": ("DejaVuSans.ttf", "Vera.ttf"),
        "sans-bold": ("DejaVuSans-Bold.ttf", "VeraBd.ttf"),
        "sans-italic": ("DejaVuSans-Oblique.ttf", "VeraIt.ttf"),
        "sans-bolditalic": ("DejaVuSans-BoldOblique.ttf", "VeraBI.ttf"),
        "mono": ("DejaVuSansMono.ttf", "Vera.ttf"),
    }
    names = {}
    for face, (debian, fallback) in faces.items():
        path = dejavu / debian if (dejavu / debian).exists() else bundled / fallback
        name = f"portal-{face}"
        pdfmetrics.registerFont(TTFont(name, str(path)))
        names[face] = name
    pdfmetrics.registerFontFamily(
        names["sans"],
        normal=names["sans"],
        bold=names["sans-bold"],
        italic=names["sans-italic"],
        boldItalic=names["sans-bolditalic"],
    )
    return names


def fonts_for(html: str) -> dict[str, str]:
    """The PDF's standard Helvetica and Courier when every character is in their
    encoding (Windows-1252: curly quotes, dashes, the euro sign ...): nothing to embed,
    so a page is small and quick to join. Otherwise DejaVu, embedded (Greek, arrows,
    emoji ...)."""
    try:
        html.encode("cp1252")
    except UnicodeEncodeError:
        return embedded_fonts()
    return STANDARD


@cache
def _styles(kind: str) -> dict[str, ParagraphStyle]:
    face = STANDARD if kind == "standard" else embedded_fonts()
    base = ParagraphStyle(
        "body", fontName=face["sans"], fontSize=10, leading=14.5, textColor=DARK,
        spaceAfter=5, alignment=TA_LEFT,
    )  # fmt: skip

    def like(name, parent=base, **kwargs):
        return ParagraphStyle(name, parent=parent, **kwargs)

    small = like("small", fontSize=9, leading=13, spaceAfter=2.5)
    return {
        "body": base,
        "small": small,
        "running": like("running", fontSize=8, leading=10, textColor=GREY, spaceAfter=10),
        "context": like("context", fontSize=9, leading=12, textColor=BLUE, spaceAfter=2),
        "h1": like(
            "h1", fontName=face["sans-bold"], fontSize=16, leading=20, textColor=BLUE, spaceAfter=5
        ),  # fmt: skip
        "h2": like(
            "h2", fontName=face["sans-bold"], fontSize=13, leading=17, spaceBefore=12, spaceAfter=4
        ),  # fmt: skip
        "h3": like(
            "h3", fontName=face["sans-bold"], fontSize=11, leading=15, spaceBefore=10, spaceAfter=3
        ),  # fmt: skip
        "h4": like(
            "h4", fontName=face["sans-bold"], fontSize=10, leading=14, spaceBefore=8, spaceAfter=3
        ),  # fmt: skip
        "meta": like(
            "meta", fontSize=8.5, leading=12, textColor=colors.HexColor("#444444"), spaceAfter=8
        ),  # fmt: skip
        "pre": like("pre", fontName=face["mono"], fontSize=9, leading=12),
        "cell": like("cell", fontSize=9, leading=12, spaceAfter=0),
        "mono": face["mono"],
    }


def styles(face: dict[str, str]) -> dict:
    return _styles("standard" if face is STANDARD else "embedded")


# --- the HTML, read into a small tree ---------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)  # Node or str

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def read(html: str) -> Node:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.root


# --- inline markup ------------------------------------------------------------------------


def inline(node: Node, sheet: dict) -> str:
    """ReportLab's paragraph markup for a node's inline content."""
    out = []
    for child in node.children:
        if isinstance(child, str):
            out.append(escape(re.sub(r"\s+", " ", child), quote=False))
            continue
        tag = child.tag
        if tag == "br":
            out.append("<br/>")
        elif tag in MARKUP:
            out.append(f"<{MARKUP[tag]}>{inline(child, sheet)}</{MARKUP[tag]}>")
        elif tag == "code":
            out.append(f'<font face="{sheet["mono"]}">{inline(child, sheet)}</font>')
        elif tag == "a" and child.attrs.get("href"):
            href = escape(child.attrs["href"], quote=True)
            out.append(f'<a href="{href}" color="#0b5c8a"><u>{inline(child, sheet)}</u></a>')
        else:
            out.append(inline(child, sheet))
    return "".join(out).strip()


def _has_text(markup: str) -> bool:
    return bool(markup.replace("<br/>", "").strip())


# --- blocks -----------------------------------------------------------------------------


class Barred(Flowable):
    """A flowable with a coloured bar on its left, as CSS's ``border-left``; it splits
    across pages like the flowable it holds."""

    def __init__(self, inner: Flowable, color, *, gap: float = 8, width: float = 2.2):
        super().__init__()
        self.inner, self.color, self.gap, self.bar = inner, color, gap, width

    def wrap(self, available_width, available_height):
        self.width = available_width
        _, self.height = self.inner.wrapOn(self.canv, available_width - self.gap, available_height)
        return available_width, self.height

    def split(self, available_width, available_height):
        parts = self.inner.splitOn(self.canv, available_width - self.gap, available_height)
        return [Barred(part, self.color, gap=self.gap, width=self.bar) for part in parts]

    def getSpaceBefore(self):  # noqa: N802 - ReportLab's name
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self):  # noqa: N802 - ReportLab's name
        return self.inner.getSpaceAfter()

    def draw(self):
        self.canv.saveState()
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.bar)
        self.canv.line(self.bar / 2, 0, self.bar / 2, self.height)
        self.canv.restoreState()
        self.inner.drawOn(self.canv, self.gap, 0)


def blocks(node: Node, style: ParagraphStyle, sheet: dict) -> list[Flowable]:
    """The flowables for a node's children, inline runs gathered into paragraphs."""
    out: list[Flowable] = []
    run = Node("run")

    def flush():
        markup = inline(run, sheet)
        if _has_text(markup):
            out.append(Paragraph(markup, style))
        run.children.clear()

    for child in node.children:
        if isinstance(child, str) or child.tag in INLINE:
            run.children.append(child)
            continue
        flush()
        out.extend(block(child, style, sheet))
    flush()
    return out


def block(node: Node, style: ParagraphStyle, sheet: dict) -> list[Flowable]:
    tag, classes = node.tag, node.classes
    if tag == "p":
        named = next((sheet[c] for c in ("running", "context", "meta") if c in classes), style)
        markup = inline(node, sheet)
        return [Paragraph(markup, named)] if _has_text(markup) else []
    if tag == "h1":
        return [Paragraph(inline(node, sheet), sheet["h1"])]
    if tag in ("h2", "h3", "h4", "h5", "h6"):
        level = tag if style is sheet["body"] else {"h2": "h3"}.get(tag, "h4")
        return [Paragraph(inline(node, sheet), sheet.get(level, sheet["h4"]))]
    if tag in ("ul", "ol"):
        return [_list(node, style, sheet)]
    if tag == "pre":
        return [Preformatted(node.text().rstrip("\n"), sheet["pre"], maxLineLength=88,
                             newLineChars="")]  # fmt: skip
    if tag == "hr":
        return [HRFlowable(width="100%", color=colors.HexColor("#cccccc"), spaceBefore=4,
                           spaceAfter=6)]  # fmt: skip
    if tag == "table":
        return [_table(node, sheet), Spacer(1, 6)]
    if tag == "dl":
        return _definitions(node, style, sheet)
    bar = next((BARS[c] for c in ("prompt", "feedback", "signoffs") if c in classes), None)
    if tag == "blockquote":
        bar = BARS["blockquote"]
    if bar is not None:
        inner = blocks(node, sheet["small"] if tag != "blockquote" else style, sheet)
        return [Barred(part, bar) for part in inner] + [Spacer(1, 6)]
    if "round" in classes:
        return [Spacer(1, 3), *blocks(node, style, sheet)]
    return blocks(node, style, sheet)  # article, div, thead, tbody and anything unknown


def _list(node: Node, style: ParagraphStyle, sheet: dict) -> ListFlowable:
    items = []
    for child in node.children:
        if isinstance(child, Node) and child.tag == "li":
            flowables = blocks(child, style, sheet) or [Paragraph("", style)]
            items.append(ListItem(flowables))
    ordered = node.tag == "ol"
    start = node.attrs.get("start")
    return ListFlowable(
        items,
        bulletType="1" if ordered else "bullet",
        bulletFormat="%s." if ordered else None,
        start=(parse_id(start) or 1) if ordered else None,
        leftIndent=14,
        bulletFontSize=style.fontSize,
        bulletFontName=style.fontName,
        spaceAfter=4,
    )


def _table(node: Node, sheet: dict) -> Table:
    cell = sheet["cell"]
    rows = []

    def collect(parent):
        for child in parent.children:
            if isinstance(child, Node) and child.tag == "tr":
                rows.append(
                    [
                        Paragraph(
                            f"<b>{inline(c, sheet)}</b>" if c.tag == "th" else inline(c, sheet),
                            cell,
                        )
                        for c in child.children
                        if isinstance(c, Node) and c.tag in ("td", "th")
                    ]
                )
            elif isinstance(child, Node):
                collect(child)

    collect(node)
    width = max((len(r) for r in rows), default=1)
    rows = [r + [""] * (width - len(r)) for r in rows] or [[""]]
    table = Table(rows, repeatRows=0, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#cccccc")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _definitions(node: Node, style: ParagraphStyle, sheet: dict) -> list[Flowable]:
    out = []
    indented = ParagraphStyle("dd", parent=style, leftIndent=14)
    for child in node.children:
        if isinstance(child, Node) and child.tag == "dt":
            out.append(Paragraph(f"<b>{inline(child, sheet)}</b>", style))
        elif isinstance(child, Node) and child.tag == "dd":
            out.extend(blocks(child, indented, sheet))
    return out


# --- a page -----------------------------------------------------------------------------


def _footer(tree: Node) -> tuple[str, str]:
    """The running footer's two strings, from the spans the template marks."""
    found = {}

    def walk(node):
        for child in node.children:
            if isinstance(child, Node):
                for name in ("trainee", "short-title"):
                    if name in child.classes and name not in found:
                        found[name] = " ".join(child.text().split())
                walk(child)

    walk(tree)
    return found.get("trainee", ""), found.get("short-title", "")


def layout(html: str) -> tuple[int, bytes]:
    """(number of pages, PDF) for one reflection's page HTML."""
    tree = read(html)
    trainee, title = _footer(tree)
    face = fonts_for(html)
    sheet = styles(face)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(face["sans"], 8)
        canvas.setFillColor(GREY)
        canvas.drawString(doc.leftMargin, 11 * mm, trainee)
        canvas.drawRightString(A4[0] - doc.rightMargin, 11 * mm, title)
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=title, author=trainee, **MARGINS)
    doc.build(blocks(tree, sheet["body"], sheet), onFirstPage=footer, onLaterPages=footer)
    return doc.page, out.getvalue()
