"""The certificate / CPD record as a PDF, laid out by ReportLab: who completed what, what the
certificate attests, each learning outcome with its evidence (or "Not evidenced"), the
issuer, and a QR code of the public verification URL (segno's matrix drawn as vector
squares, so it scans at any zoom)."""

import io
from html import escape

import segno
from django.conf import settings
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .pdf_layout import embedded_fonts

BLUE = colors.HexColor("#0b5c8a")
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


class QrCode(Flowable):
    """A QR code of ``data``, ``size`` wide including its quiet zone."""

    def __init__(self, data: str, size: float):
        super().__init__()
        self.matrix = segno.make(data, error="m", micro=False).matrix
        self.size = size
        self.width = self.height = size

    def draw(self):
        count = len(self.matrix) + 2 * QUIET_ZONE
        module = self.size / count
        canvas = self.canv
        canvas.setFillColor(colors.black)
        canvas.setStrokeColor(colors.black)
        for row, line in enumerate(self.matrix):
            y = self.size - (row + QUIET_ZONE + 1) * module
            for col, dark in enumerate(line):
                if dark:
                    x = (col + QUIET_ZONE) * module
                    canvas.rect(x, y, module, module, stroke=0, fill=1)


def _styles() -> dict[str, ParagraphStyle]:
    face = embedded_fonts()
    base = ParagraphStyle("body", fontName=face["sans"], fontSize=10.5, leading=14.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12),
        "kind": ParagraphStyle(
            "kind",
            parent=base,
            fontName=face["sans-bold"],
            fontSize=11,
            alignment=1,
            textColor=BLUE,
        ),  # fmt: skip
        "name": ParagraphStyle(
            "name",
            parent=base,
            fontName=face["sans-bold"],
            fontSize=24,
            leading=30,
            alignment=1,
            spaceBefore=4 * mm,
        ),  # fmt: skip
        "centre": ParagraphStyle("centre", parent=base, alignment=1),
        "module": ParagraphStyle(
            "module", parent=base, fontName=face["sans-bold"], fontSize=16, leading=21, alignment=1
        ),  # fmt: skip
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=face["sans-bold"],
            fontSize=12,
            textColor=BLUE,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
        ),  # fmt: skip
        "term": ParagraphStyle("term", parent=base, fontName=face["sans-bold"]),
    }


def _date(value) -> str:
    return date_format(value, "j F Y") if value else "–"


def certificate_pdf(record, *, verification_url: str) -> bytes:
    """The record of ``record.certificate`` as an A4 PDF (one or two pages)."""
    certificate = record.certificate
    s = _styles()
    issuer = settings.CREDENTIALS_ISSUER_NAME
    story = [
        Paragraph("CERTIFICATE OF COMPLETION AND CPD RECORD", s["kind"]),
        Paragraph(escape(certificate.holder_name), s["name"]),
        Paragraph("completed the training module", s["centre"]),
        Paragraph(escape(certificate.module_title), s["module"]),
        Paragraph(f"on {_date(certificate.completed_on)}", s["centre"]),
        Paragraph(f"Issued by {escape(issuer)}", s["centre"]),
        Spacer(1, 5 * mm),
    ]
    tutors = "; ".join(tutor.name for tutor in record.tutors) or "–"
    rows = [
        ("Enrolled", _date(record.enrolment.enrolled_at if record.enrolment else None)),
        ("Completed", _date(certificate.completed_on)),
        ("Issued", _date(certificate.issued_at)),
        ("Issuer", issuer),
    ]
    if record.module.estimated_hours:
        rows.append(("Module estimate", f"{record.module.estimated_hours} hours"))
    rows += [
        (
            "Recorded CPD time",
            f"{record.cpd_total} ({record.cpd_minutes} minutes, from the trainee's reflections)",
        ),  # fmt: skip
        ("Tasks done", f"{record.tasks_done} of {len(record.tasks)}"),
        ("Attests", certificate.get_rule_display().capitalize()),
        ("Tutors", tutors),
    ]
    table = Table(
        [[Paragraph(term, s["term"]), Paragraph(escape(value), s["body"])] for term, value in rows],
        colWidths=[45 * mm, None],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))  # fmt: skip
    story.append(table)
    if certificate.is_old_rule:
        story.append(Paragraph(
            "This certificate was issued under the old rule, before reviewed reflections and "
            "evidence for each learning outcome were required.", s["small"]
        ))  # fmt: skip
    story.append(Paragraph("Learning outcomes and evidence", s["h2"]))
    items = []
    for item in record.outcomes:
        parts = [Paragraph(escape(item.outcome.text), s["body"])]
        evidence = item.reviewed
        if evidence:
            for piece in evidence:
                parts.append(Paragraph(
                    f"Evidence: “{escape(piece.reflection.title)}”, reviewed by "
                    f"{escape(piece.reviewer)}", s["small"],
                ))  # fmt: skip
        else:
            parts.append(Paragraph(
                "Not evidenced: no reviewed reflection was linked to this outcome.", s["small"]
            ))  # fmt: skip
        items.append(ListItem(parts, leftIndent=6 * mm))
    story.append(ListFlowable(items, bulletType="1", bulletFontName=embedded_fonts()["sans"],
                              leftIndent=6 * mm))  # fmt: skip
    verify = Table(
        [[
            QrCode(verification_url, 32 * mm),
            [
                Paragraph("<b>Verify this record</b>", s["body"]),
                Paragraph(f'<link href="{escape(verification_url)}" color="#0b5c8a">'
                          f"{escape(verification_url)}</link>", s["small"]),  # fmt: skip
                Paragraph(
                    f"Scan the code or open the link: the page, kept by {escape(issuer)}, "
                    "shows the name, the module and the date if the record is genuine and "
                    "has not been withdrawn.", s["small"],
                ),  # fmt: skip
            ],
        ]],
        colWidths=[36 * mm, None],
    )  # fmt: skip
    verify.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                ("BOX", (0, 0), (-1, -1), 0.5, colors.grey)]))  # fmt: skip
    story += [Spacer(1, 6 * mm), KeepTogether([verify])]
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
        bottomMargin=20 * mm, title=f"Certificate: {certificate.module_title}",
        author=issuer, subject=f"{certificate.holder_name}: {certificate.module_title}",
    ).build(story)  # fmt: skip
    return out.getvalue()
