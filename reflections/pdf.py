"""The portfolio as PDF, fast enough for a large portfolio.

Each reflection is laid out as its own short PDF by ReportLab (reflections/pdf_layout.py,
about 10 ms a reflection; WeasyPrint, a CSS engine, took 65 ms and more) and kept
(RenderedPdf) with a hash of the HTML it came from, so any change to the text, status,
task, name or styles is noticed and a stale one is never used. An export lays out only
what is missing, adds a cover with the contents (WeasyPrint: one short document), and
joins the pages. Explicit saves lay their reflection out once they commit, so an export
usually lays out only the cover. 200 reflections: about 3 s with nothing kept, 1 s
with everything kept (bench/run.py).
"""

import hashlib
import io
import logging
from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)


def _weasyprint():
    from weasyprint import HTML  # heavy import, only when a PDF is made

    return HTML


def fragment_html(reflection, *, author_name: str) -> str:
    return render_to_string(
        "reflections/export/pdf_reflection.html",
        {"reflection": reflection, "author_name": author_name},
    )


def _document(articles: list[str]) -> str:
    return render_to_string(
        "reflections/export/pdf_document.html",
        {"articles": [mark_safe(a) for a in articles]},  # noqa: S308 - our own template's output
    )


def _key(html: str, layout: str) -> str:
    return hashlib.sha256(f"{layout}\n{html}".encode()).hexdigest()


def _layout_signature() -> str:
    """The shared styles: a change to them makes every cached reflection stale."""
    return hashlib.sha256(_document([]).encode()).hexdigest()


def _render_fragments(items: list[tuple[str, str]]) -> dict[str, tuple[int, bytes]]:
    """Lay out the given reflections, each as its own PDF (reflections/pdf_layout.py).
    ``items`` are (anchor id, article HTML); the result maps each anchor to (number of
    pages, PDF)."""
    from .pdf_layout import layout

    return {anchor: layout(html) for anchor, html in items}


def reflection_fragments(reflections, *, author_name: str) -> list[tuple[int, bytes]]:
    """(pages, PDF) per reflection, in order: kept ones whose HTML has not changed, the
    rest laid out in one pass and kept (derived data, like a cache: two queries)."""
    from .hooks import attach_signoffs
    from .models import RenderedPdf

    attach_signoffs(reflections)  # sign-offs are part of the page (and so of its key)
    layout = _layout_signature()
    htmls = [fragment_html(r, author_name=author_name) for r in reflections]
    keys = [_key(html, layout) for html in htmls]
    kept = {
        row.reflection_id: row
        for row in RenderedPdf.objects.filter(reflection__in=[r.pk for r in reflections])
    }
    missing = [
        (r, html, key)
        for r, html, key in zip(reflections, htmls, keys, strict=True)
        if r.pk not in kept or kept[r.pk].key != key
    ]
    rendered = _render_fragments([(f"reflection-{r.pk}", html) for r, html, _ in missing])
    if missing:
        now = timezone.now()
        fresh = [
            RenderedPdf(
                reflection=r,
                key=key,
                pages=rendered[f"reflection-{r.pk}"][0],
                pdf=rendered[f"reflection-{r.pk}"][1],
                rendered_at=now,
            )
            for r, _, key in missing
        ]
        RenderedPdf.objects.bulk_create(
            fresh,
            update_conflicts=True,
            unique_fields=["reflection"],
            update_fields=["key", "pages", "pdf", "rendered_at"],
        )
        kept.update({row.reflection_id: row for row in fresh})
    return [(kept[r.pk].pages, bytes(kept[r.pk].pdf)) for r in reflections]


def warm_reflection(pk: int, *, unless_newer_than: timedelta | None = None) -> None:
    """Lay out one reflection's PDF ahead of an export (a job queued by each save).
    Autosaves pass ``unless_newer_than`` so that typing does not lay it out every few
    seconds. A failure here must never spoil the save: it is logged, and the export
    lays the reflection out itself."""
    from .models import Reflection

    reflection = (
        Reflection.objects.with_context()
        .select_related("author", "rendered_pdf")
        .filter(pk=pk)
        .first()
    )
    if reflection is None:  # deleted since the save that queued this
        return
    try:
        kept = getattr(reflection, "rendered_pdf", None)
        if unless_newer_than and kept and kept.rendered_at > timezone.now() - unless_newer_than:
            return
        reflection_fragments([reflection], author_name=reflection.author.get_full_name())
    except Exception:
        logger.exception("Could not lay out the PDF of reflection %s", pk)


def portfolio_pdf(portfolio) -> bytes:
    """A cover with the contents, then every reflection (each from a new page), with
    bookmarks by module and topic. As in a book, the cover's pages are numbered i, ii…
    and the reflections' pages from 1, so the contents do not depend on its own length."""
    from pypdf import PdfReader, PdfWriter

    reflections = portfolio.reflections
    fragments = reflection_fragments(reflections, author_name=portfolio.name)
    page = 1
    for reflection, (pages, _) in zip(reflections, fragments, strict=True):
        reflection.start_page = page
        page += pages
    cover_html = render_to_string("reflections/export/pdf_cover.html", {"portfolio": portfolio})
    writer = PdfWriter()
    cover = PdfReader(io.BytesIO(_weasyprint()(string=cover_html).write_pdf()))
    writer.append(cover, import_outline=False)
    writer.add_outline_item(title="Contents", page_number=0)
    cover_pages = len(writer.pages)
    by_pk = {r.pk: data for r, (_, data) in zip(reflections, fragments, strict=True)}
    for group in portfolio.groups:
        module_mark = None
        for topic_group in group.topics:
            topic_mark = None
            for reflection in topic_group.reflections:
                first_page = len(writer.pages)
                writer.append(PdfReader(io.BytesIO(by_pk[reflection.pk])), import_outline=False)
                if module_mark is None:
                    module_mark = writer.add_outline_item(
                        title=group.heading, page_number=first_page
                    )
                if topic_mark is None:
                    topic_mark = (
                        writer.add_outline_item(
                            title=topic_group.heading, page_number=first_page, parent=module_mark
                        )
                        if topic_group.heading
                        else module_mark
                    )
                writer.add_outline_item(
                    title=reflection.title, page_number=first_page, parent=topic_mark
                )
    writer.set_page_label(0, cover_pages - 1, style="/r")
    if len(writer.pages) > cover_pages:
        writer.set_page_label(cover_pages, len(writer.pages) - 1, style="/D", start=1)
    writer.add_metadata({"/Title": portfolio.title, "/Author": portfolio.name})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
