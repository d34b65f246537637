"""The portfolio as files to keep: PDF (WeasyPrint), one standalone HTML file, and
Markdown files in a zip. Each carries the trainee's name, the dates, and the task and
its prompt beside every reflection."""

import io
import logging
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from modules.models import Module
from notifications.models import Kind
from notifications.services import notify
from portal.jobs import enqueue

from .hooks import attach_signoffs
from .models import ExportJob
from .selectors import ModuleGroup, format_minutes, group_portfolio, portfolio_reflections

logger = logging.getLogger(__name__)

# A PDF of more reflections than this is made by a worker, not in the request: a cold
# layout runs at about 8 reflections a second, so 30 is the most a request should wait.
BACKGROUND_OVER = 30
# The finished file is kept this long, then erased.
EXPORT_KEPT_FOR = timedelta(days=1)
# Expired exports' rows (no file by then) are deleted after this.
EXPORT_ROWS_KEPT_FOR = timedelta(days=30)
# Reflections laid out per step; the progress bar moves after each.
LAYOUT_STEP = 10


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


# --- large exports, made by a worker -------------------------------------------------


def needs_background(fmt: str, count: int) -> bool:
    return fmt == "pdf" and count > BACKGROUND_OVER


@transaction.atomic
def export_job_start(*, owner, fmt: str = "pdf", module: Module | None = None) -> ExportJob:
    """Queue an export for a worker, or return the one of the same kind already under
    way (a second click starts nothing new)."""
    if fmt not in EXPORTERS:
        raise ValueError(f"Unknown export format: {fmt}")
    running = (
        ExportJob.objects.owned_by(owner)
        .in_progress()
        .without_file()
        .filter(format=fmt, module=module)
        .first()
    )
    if running is not None:
        return running
    count = portfolio_reflections(owner, module=module).count()
    job = ExportJob.objects.create(owner=owner, format=fmt, module=module, total=count)
    from .tasks import build_export

    enqueue(build_export, job.pk)
    return job


def export_job_build(*, job_id: int) -> str:
    """Make the file (the worker's job): lay out the reflections a step at a time,
    counting them, then join the pages and keep the file for a day. Safe to run again
    after a worker died half way: laid-out reflections are kept (RenderedPdf), so it
    carries on where it stopped."""
    from .pdf import reflection_fragments

    now = timezone.now()
    waiting = [ExportJob.State.QUEUED, ExportJob.State.RUNNING]
    claimed = ExportJob.objects.filter(pk=job_id, state__in=waiting).update(
        state=ExportJob.State.RUNNING, started_at=now, done=0
    )
    if not claimed:
        return "not waiting"
    job = ExportJob.objects.without_file().select_related("owner", "module").get(pk=job_id)
    try:
        portfolio = build_portfolio(job.owner, module=job.module)
        reflections = portfolio.reflections
        ExportJob.objects.filter(pk=job_id).update(total=len(reflections))
        if job.format == "pdf":
            for start in range(0, len(reflections), LAYOUT_STEP):
                step = reflections[start : start + LAYOUT_STEP]
                reflection_fragments(step, author_name=portfolio.name)
                ExportJob.objects.filter(pk=job_id).update(done=start + len(step))
        content, content_type, filename = EXPORTERS[job.format](portfolio)
    except Exception:
        logger.exception("Export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportJob.State.FAILED, finished_at=timezone.now()
        )
        return "failed"
    finished = timezone.now()
    expires = finished + EXPORT_KEPT_FOR
    with transaction.atomic():
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportJob.State.READY,
            done=len(reflections),
            file=content,
            size=len(content),
            filename=filename,
            content_type=content_type,
            finished_at=finished,
            expires_at=expires,
        )
        from .tasks import expire_export

        enqueue(expire_export, job_id, run_after=expires)
        count = len(reflections)
        notify(
            recipient=job.owner,
            kind=Kind.EXPORT_READY,
            text=(
                f"Your portfolio {job.format.upper()} ({count} "
                f"reflection{'s' if count != 1 else ''}) is ready to download for the next "
                "24 hours."
            ),
            url=job.get_absolute_url(),
            subject="Your portfolio export is ready",
        )
    return "ready"


def export_job_expire(*, job_id: int) -> bool:
    """Erase an export's file once its day is over (the row stays, so its page can say
    it expired). True if one was erased."""
    return bool(
        ExportJob.objects.filter(
            pk=job_id, state=ExportJob.State.READY, expires_at__lte=timezone.now()
        ).update(state=ExportJob.State.EXPIRED, file=None)
    )


def export_jobs_prune(*, now: datetime | None = None) -> tuple[int, int]:
    """Erase every file past its day (should its job have been lost) and delete the rows
    of exports finished over a month ago. Returns (files erased, rows deleted)."""
    now = now or timezone.now()
    erased = ExportJob.objects.filter(state=ExportJob.State.READY, expires_at__lte=now).update(
        state=ExportJob.State.EXPIRED, file=None
    )
    deleted, _ = (
        ExportJob.objects.filter(created_at__lte=now - EXPORT_ROWS_KEPT_FOR)
        .exclude(state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING])
        .delete()
    )
    return erased, deleted
