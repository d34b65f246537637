"""The lead's progress report: one row per member and module they are enrolled in, with
counts and states only (never the text of a reflection or an argument). Every read is
scoped to the organisation in the query itself, so nobody else's staff can appear."""

from datetime import date

from django.db.models import DateTimeField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, Lower
from django.utils import timezone

from modules.models import Enrolment
from reflections.models import Certificate, Reflection
from reflections.review import _count, csv_safe
from topics.models import Task, TaskCompletion

from .models import Membership, Organisation

PAGE_SIZE = 50


def report_rows(organisation: Organisation, *, search: str = "", module=None) -> QuerySet:
    """Enrolments of the organisation's members, each with: tasks done and in the module,
    reflections submitted and reviewed, the certificate's date, the last activity. One
    query however many members."""
    user, module_ref = OuterRef("user"), OuterRef("module")
    rows = Enrolment.objects.filter(
        user__organisation_memberships__organisation=organisation
    ).select_related("user", "module", "cohort")
    if module is not None:
        rows = rows.filter(module=module)
    if search:
        rows = rows.filter(Q(user__full_name__icontains=search) | Q(user__email__icontains=search))
    reflections = Reflection.objects.filter(author=user, module=module_ref)
    last_completion = Subquery(
        TaskCompletion.objects.filter(user=user, task__topic__module=module_ref)
        .order_by("-completed_at")
        .values("completed_at")[:1],
        output_field=DateTimeField(),
    )
    last_reflection = Subquery(
        reflections.order_by("-updated_at").values("updated_at")[:1],
        output_field=DateTimeField(),
    )
    return rows.annotate(
        tasks_done=_count(
            TaskCompletion.objects.filter(user=user, task__topic__module=module_ref), "user"
        ),
        tasks_total=_count(Task.objects.filter(topic__module=module_ref), "topic__module"),
        submitted_count=_count(reflections.exclude(status=Reflection.Status.DRAFT), "author"),
        reviewed_count=_count(reflections.filter(status=Reflection.Status.REVIEWED), "author"),
        certificate_at=Subquery(
            Certificate.objects.filter(user=user, module=module_ref).values("issued_at")[:1]
        ),
        last_activity=Greatest(
            Coalesce(last_completion, F("enrolled_at")),
            Coalesce(last_reflection, F("enrolled_at")),
            F("enrolled_at"),
        ),
    ).order_by(Lower("user__full_name"), "user__email", "module__title")


def members_not_enrolled(organisation: Organisation, *, search: str = "") -> QuerySet:
    """Members enrolled in no module yet (one query)."""
    members = (
        Membership.objects.filter(organisation=organisation, user__enrolments__isnull=True)
        .select_related("user")
        .order_by(Lower("user__full_name"), "user__email")
    )
    if search:
        members = members.filter(
            Q(user__full_name__icontains=search) | Q(user__email__icontains=search)
        )
    return members


CSV_HEADER = [
    "Name", "Email", "Module", "Cohort", "Enrolled", "Tasks done", "Tasks in module",
    "Reflections submitted", "Reflections reviewed", "Module completed", "Certificate issued",
    "Last activity",
]  # fmt: skip


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value.isoformat()
    return timezone.localdate(value).isoformat()


def csv_row(row) -> list[str]:
    values = [
        row.user.get_full_name(),
        row.user.email,
        row.module.title,
        row.cohort.name,
        _day(row.enrolled_at),
        row.tasks_done,
        row.tasks_total,
        row.submitted_count,
        row.reviewed_count,
        _day(row.completed_at),
        _day(row.certificate_at),
        timezone.localtime(row.last_activity).strftime("%Y-%m-%d %H:%M")
        if row.last_activity
        else "",
    ]
    return [csv_safe(v) for v in values]


def csv_member_row(membership) -> list[str]:
    return [csv_safe(v) for v in (membership.user.get_full_name(), membership.user.email,
                                  "not enrolled", "", "", "", "", "", "", "", "", "")]  # fmt: skip
