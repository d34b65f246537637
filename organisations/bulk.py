"""Enrolling people in bulk from a CSV: reading and checking the file (nothing written
but the preview), and carrying a confirmed upload out, row by row, in a worker.

The file: UTF-8 text (a spreadsheet's "CSV UTF-8"), comma, semicolon or tab separated,
a header row with ``email`` and ``name`` (``full name`` too) and optionally
``organisation`` (``organization``, ``employer``), fewer than 10,000 people."""

import csv
import io

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from modules.models import Cohort, Enrolment
from modules.services import cohort_is_full, enrolment_create
from notifications.models import Kind
from notifications.services import absolute_url, email_queue, notify
from portal.models import User
from portal.services import user_create_verified
from reflections.review import csv_safe

from .models import BulkEnrolment
from .services import membership_add, organisation_get_or_create

MAX_ROWS = 10_000  # this many people or more: refused
MAX_BYTES = 5 * 1024 * 1024
SAVE_EVERY = 50  # rows between two progress saves in the worker
COLUMNS = {
    "email": {"email", "email address", "e-mail", "e-mail address"},
    "name": {"name", "full name", "full_name", "fullname"},
    "organisation": {"organisation", "organization", "employer", "organisation name"},
}


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


def read_csv(data: bytes) -> list[dict]:
    """The people in the file as dicts (line, email, name, organisation), or FileRefused."""
    if len(data) > MAX_BYTES:
        raise FileRefused("The file is larger than 5 MB. Split it into smaller files.")
    if b"\x00" in data[:4096] or data[:4] == b"PK\x03\x04":
        raise FileRefused(
            "This is not a CSV file (a spreadsheet workbook, perhaps). In your spreadsheet "
            "choose Save as, then “CSV UTF-8 (comma delimited)”."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            "The file is not UTF-8 text, so names with accents would come out wrong. In your "
            "spreadsheet choose Save as, then “CSV UTF-8 (comma delimited)”, and upload that."
        ) from None
    if not text.strip():
        raise FileRefused("The file is empty.")
    first_line = text.splitlines()[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader)
        columns = {}
        for index, title in enumerate(header):
            key = " ".join(title.strip().lower().split())
            for column, names in COLUMNS.items():
                if key in names and column not in columns:
                    columns[column] = index
        missing = [c for c in ("email", "name") if c not in columns]
        if missing:
            found = ", ".join(f"“{h.strip()}”" for h in header if h.strip()) or "nothing"
            raise FileRefused(
                f"The first row must name the columns: “email” and “name” are needed "
                f"(“organisation” is optional). Missing: {', '.join(missing)}; found: {found}."
            )
        people = []
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(people) + 1 >= MAX_ROWS:
                raise FileRefused(
                    f"The file has {MAX_ROWS:,} people or more; upload at most "
                    f"{MAX_ROWS - 1:,} at a time."
                )

            def cell(column, cells=cells):
                index = columns.get(column)
                return cells[index].strip() if index is not None and index < len(cells) else ""

            people.append(
                {"line": line, "email": cell("email"), "name": " ".join(cell("name").split()),
                 "organisation": " ".join(cell("organisation").split())}
            )  # fmt: skip
    except csv.Error as error:
        raise FileRefused(f"The file could not be read as CSV ({error}).") from None
    if not people:
        raise FileRefused("The file has a header row but nobody in it.")
    return people


def check_rows(people: list[dict], cohort: Cohort) -> list[dict]:
    """Each person marked ``new`` (an account will be made and invited), ``existing``
    (has an account: enrolled and told) or ``error`` with the reason: not an email
    address, a duplicate in the file, no name for a new account, enrolled in another
    cohort of the module, or the cohort full. A fixed number of queries."""
    emails = {p["email"].lower() for p in people if p["email"]}
    accounts = {
        u.email_lower: u
        for u in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    }
    enrolled = {
        e.user_id: e
        for e in Enrolment.objects.filter(
            module_id=cohort.module_id, user__in=list(accounts.values())
        ).select_related("cohort")
    }
    room = None
    if cohort.capacity is not None:
        room = cohort.capacity - Enrolment.objects.filter(cohort=cohort).count()
    seen: dict[str, int] = {}
    rows = []
    for person in people:
        row = {**person, "status": "error", "message": ""}
        email = person["email"].lower()
        user = accounts.get(email)
        try:
            validate_email(person["email"])
        except ValidationError:
            row["message"] = (
                f"“{person['email']}” is not an email address." if person["email"]
                else "No email address."
            )  # fmt: skip
            rows.append(row)
            continue
        if len(person["name"]) > 150 or len(person["organisation"]) > 200:
            row["message"] = "The name or organisation is too long."
        elif email in seen:
            row["message"] = f"The same address as line {seen[email]}."
        elif user is not None and not user.is_active:
            row["message"] = "This account is closed."
        elif user is None and not person["name"]:
            row["message"] = "A name is needed for a new account."
        elif user is not None and user.pk in enrolled and enrolled[user.pk].cohort_id != cohort.pk:
            row["message"] = (
                f"Already enrolled in this module, in the cohort “{enrolled[user.pk].cohort.name}”"
                ". An admin can move them."
            )
        elif user is not None and user.pk in enrolled:
            row.update(status="existing", message="Already in this cohort: nothing to do.")
        elif room is not None and room <= 0:
            row["message"] = f"The cohort is full (it takes {cohort.capacity})."
        else:
            row["status"] = "existing" if user is not None else "new"
            row["message"] = (
                "Has an account: will be enrolled and told." if user is not None
                else "New: an account will be made and an invitation sent."
            )  # fmt: skip
            if room is not None:
                room -= 1
        seen.setdefault(email, person["line"])
        rows.append(row)
    return rows


@transaction.atomic
def bulk_preview(*, cohort: Cohort, by, filename: str, data: bytes) -> BulkEnrolment:
    """Read and check the file; keep the preview (nobody is enrolled or told yet)."""
    rows = check_rows(read_csv(data), cohort)
    return BulkEnrolment.objects.create(
        cohort=cohort, uploaded_by=by, filename=filename[:200], rows=rows,
        total=sum(1 for r in rows if r["status"] != "error"),
    )  # fmt: skip


@transaction.atomic
def bulk_confirm(*, bulk: BulkEnrolment) -> BulkEnrolment:
    """Queue the run (once: a second confirmation changes nothing)."""
    from portal.jobs import enqueue

    from .tasks import run_bulk_enrolment

    updated = BulkEnrolment.objects.filter(pk=bulk.pk, state=BulkEnrolment.State.PREVIEW).update(
        state=BulkEnrolment.State.QUEUED
    )
    if updated:
        enqueue(run_bulk_enrolment, bulk.pk)
    bulk.refresh_from_db()
    return bulk


def invitation_link(user) -> str:
    """The accounts' own set-password link (allauth's password reset from key): good
    until the password is set, or for PASSWORD_RESET_TIMEOUT (three days by default)."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = default_token_generator.make_token(user)
    return absolute_url(
        reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
        )
    )


def _carry_out(bulk: BulkEnrolment, row: dict) -> str:
    """Do one confirmed row; returns its outcome. Safe to run twice."""
    cohort = bulk.cohort
    module = cohort.module
    user = User.objects.filter(email__iexact=row["email"]).first()
    created = False
    if user is None:
        user = user_create_verified(email=row["email"], password=None, full_name=row["name"])
        created = True
    elif not user.is_active:
        return "Not enrolled: the account is closed."
    current = Enrolment.objects.filter(user=user, module=module).select_related("cohort").first()
    if current is not None and current.cohort_id != cohort.pk:
        return f"Not enrolled: already in the cohort “{current.cohort.name}”."
    if current is None:
        if cohort_is_full(cohort):
            return "Not enrolled: the cohort filled up."
        enrolment_create(user=user, module=module, cohort=cohort, prerequisites_confirmed=True)
    if row.get("organisation"):
        membership_add(organisation=organisation_get_or_create(name=row["organisation"]), user=user)
    key = f"bulk:{bulk.pk}:{row['line']}"
    if created or not user.has_usable_password():
        link = invitation_link(user)
        context = {"user": user, "cohort": cohort, "module": module, "link": link,
                   "by": bulk.uploaded_by}  # fmt: skip
        from django.template.loader import render_to_string

        email_queue(
            to=user.email,
            user=user,
            subject=f"You are enrolled in {module.title}: set your password",
            text_body=render_to_string("organisations/email/invitation.txt", context),
            html_body=render_to_string("organisations/email/invitation.html", context),
            dedupe_key=key,
            erase_after_sending=True,  # the link is a key to the account
        )
        return "Account made, enrolled, invitation sent."
    if current is None:
        notify(
            recipient=user,
            kind=Kind.ENROLMENT,
            text=f"You are enrolled in {module.title}, in the cohort “{cohort.name}”.",
            url=module.get_absolute_url(),
            subject=f"You are enrolled in {module.title}",
        )
        return "Enrolled, notice sent."
    return "Already in this cohort."


def bulk_run(*, bulk_id: int) -> str:
    """The worker's part: every checked row, in order, each in its own transaction, with
    the progress saved every few rows. A row done before (a second run) is skipped."""
    bulk = (
        BulkEnrolment.objects.select_related("cohort__module", "uploaded_by")
        .filter(pk=bulk_id)
        .first()
    )
    if bulk is None or bulk.state not in (BulkEnrolment.State.QUEUED, BulkEnrolment.State.RUNNING):
        return "nothing to do"
    BulkEnrolment.objects.filter(pk=bulk.pk).update(state=BulkEnrolment.State.RUNNING)
    rows = bulk.rows
    done = sum(1 for r in rows if r["status"] != "error" and r.get("outcome"))
    since_save = 0
    for row in rows:
        if row["status"] == "error" or row.get("outcome"):
            continue
        with transaction.atomic():
            row["outcome"] = _carry_out(bulk, row)
        done += 1
        since_save += 1
        if since_save >= SAVE_EVERY:
            BulkEnrolment.objects.filter(pk=bulk.pk).update(rows=rows, done=done)
            since_save = 0
    BulkEnrolment.objects.filter(pk=bulk.pk).update(
        rows=rows, done=done, state=BulkEnrolment.State.DONE, finished_at=timezone.now()
    )
    return f"{done} rows"


REPORT_HEADER = ["Line", "Email", "Name", "Organisation", "Checked", "Outcome"]


def report_rows(bulk: BulkEnrolment):
    """The downloadable report: every row of the file with what was found and done,
    each cell safe from spreadsheet formulas."""
    yield REPORT_HEADER
    for row in bulk.rows:
        checked = "error: " + row["message"] if row["status"] == "error" else row["status"]
        cells = (row["line"], row["email"], row["name"], row["organisation"], checked,
                 row.get("outcome", ""))  # fmt: skip
        yield [csv_safe(v) for v in cells]
