"""The portfolio as files to keep: PDF (WeasyPrint), one standalone HTML file, and
Markdown files in a zip. Each carries the trainee's name, the dates, and the task and
its prompt beside every reflection."""

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from modules.models import Module

from .hooks import attach_signoffs
from .selectors import ModuleGroup, format_minutes, group_portfolio, portfolio_reflections


@dataclass
class Portfolio:
    name: str
    email: str
    module: Module | None
    groups: list[ModuleGroup]
    count: int
    cpd_minutes: int
    generated_at: datetime

    @property
    def title(self) -> str:
        part = f": {self.module.title}" if self.module else ""
        return f"Portfolio of professional development{part}"

    @property
    def reflections(self) -> list:
        return [r for group in self.groups for r in group.reflections]

    @property
    def cpd_total(self) -> str:
        return format_minutes(self.cpd_minutes)

    @property
    def file_stem(self) -> str:
        parts = ["portfolio", slugify(self.name) or "trainee"]
        if self.module:
            parts.append(self.module.slug)
        parts.append(timezone.localdate(self.generated_at).isoformat())
        return "-".join(parts)


def build_portfolio(user, *, module: Module | None = None) -> Portfolio:
    """Everything an export needs: one query for the reflections, two for the feedback
    rounds (with their outcomes), one per sign-off source."""
    reflections = list(portfolio_reflections(user, module=module).with_feedback())
    attach_signoffs(reflections)
    return Portfolio(
        name=user.get_full_name(),
        email=user.email,
        module=module,
        groups=group_portfolio(reflections),
        count=len(reflections),
        cpd_minutes=sum(r.cpd_minutes for r in reflections),
        generated_at=timezone.now(),
    )


def to_html(portfolio: Portfolio) -> tuple[bytes, str, str]:
    """One file with its CSS inside and no script: it opens anywhere, offline."""
    html = render_to_string("reflections/export/portfolio.html", {"portfolio": portfolio})
    return html.encode(), "text/html; charset=utf-8", f"{portfolio.file_stem}.html"


def to_pdf(portfolio: Portfolio) -> tuple[bytes, str, str]:
    from .pdf import portfolio_pdf

    return portfolio_pdf(portfolio), "application/pdf", f"{portfolio.file_stem}.pdf"


def markdown_filename(index: int, reflection) -> str:
    return f"{index:03d}-{slugify(reflection.title)[:60] or 'reflection'}.md"


def to_markdown_zip(portfolio: Portfolio) -> tuple[bytes, str, str]:
    """index.md plus one Markdown file per reflection, in a folder named like the zip."""
    folder = portfolio.file_stem
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, reflection in enumerate(portfolio.reflections, 1):
            reflection.export_filename = markdown_filename(index, reflection)
            text = render_to_string(
                "reflections/export/reflection.md",
                {"portfolio": portfolio, "reflection": reflection},
            )
            archive.writestr(f"{folder}/{reflection.export_filename}", text)
        index_text = render_to_string("reflections/export/index.md", {"portfolio": portfolio})
        archive.writestr(f"{folder}/index.md", index_text)
    return buffer.getvalue(), "application/zip", f"{folder}-markdown.zip"


EXPORTERS = {"pdf": to_pdf, "html": to_html, "markdown": to_markdown_zip}
