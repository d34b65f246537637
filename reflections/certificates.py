"""The evidence map (which reflections a tutor linked to each learning outcome) and the
certificate / CPD record a trainee downloads when a module is complete."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Sum
from django.template.loader import render_to_string

from modules.models import Enrolment, LearningOutcome, Module, Tutor
from topics.models import Task

from .models import Certificate, Feedback, Reflection
from .selectors import format_minutes


@dataclass
class OutcomeEvidence:
    outcome: LearningOutcome
    reflections: list[Reflection] = field(default_factory=list)


def evidence_map(user, modules) -> dict[int, list[OutcomeEvidence]]:
    """Per module id: each learning outcome, in order, with the user's reflections that a
    tutor linked to it in any round of review (two queries)."""
    module_ids = [m.pk for m in modules]
    if not module_ids or not user.is_authenticated:
        return {}
    result: dict[int, list[OutcomeEvidence]] = {pk: [] for pk in module_ids}
    by_outcome: dict[int, OutcomeEvidence] = {}
    for outcome in LearningOutcome.objects.filter(module__in=module_ids).order_by(
        "module", "position"
    ):
        item = OutcomeEvidence(outcome=outcome)
        by_outcome[outcome.pk] = item
        result[outcome.module_id].append(item)
    links = (
        Feedback.outcomes.through.objects.filter(
            learningoutcome__module__in=module_ids, feedback__reflection__author=user
        )
        .select_related("feedback__reflection")
        .order_by("feedback__reflection__created_at", "feedback__reflection__pk")
    )
    for link in links:
        item = by_outcome.get(link.learningoutcome_id)
        reflection = link.feedback.reflection
        if item is not None and all(r.pk != reflection.pk for r in item.reflections):
            item.reflections.append(reflection)
    return result


@dataclass
class CertificateRecord:
    """Whether the user may have the module's certificate, and everything it prints."""

    user: object
    module: Module
    enrolment: Enrolment | None
    certificate: Certificate | None
    tasks: list[Task]
    cpd_minutes: int
    outcomes: list[OutcomeEvidence]
    tutors: list[Tutor]

    @property
    def is_complete(self) -> bool:
        return self.enrolment is not None and self.enrolment.completed_at is not None

    @property
    def unreviewed_tasks(self) -> list[Task]:
        """Tasks without a reviewed reflection, where the module asks for one on each."""
        if not self.module.require_reviewed_reflections:
            return []
        return [task for task in self.tasks if not task.has_reviewed_reflection]

    @property
    def is_ready(self) -> bool:
        return self.is_complete and not self.unreviewed_tasks

    @property
    def tasks_done(self) -> int:
        return sum(1 for task in self.tasks if task.is_done)

    @property
    def cpd_total(self) -> str:
        return format_minutes(self.cpd_minutes)

    @property
    def reasons(self) -> list[str]:
        """Why the certificate is not ready yet, in words."""
        reasons = []
        if self.enrolment is None:
            reasons.append("You are not enrolled in this module.")
        elif not self.is_complete:
            reasons.append(
                f"Finish every task first: {self.tasks_done} of {len(self.tasks)} are done."
            )
        if self.unreviewed_tasks:
            count = len(self.unreviewed_tasks)
            reasons.append(
                f"This module asks for a tutor-reviewed reflection on every task; {count} "
                f"task{'s' if count != 1 else ''} still need{'' if count != 1 else 's'} one."
            )
        return reasons


def certificate_record(*, user, module: Module) -> CertificateRecord:
    """Seven queries, whatever the size of the module or the portfolio."""
    from topics.models import TaskCompletion

    enrolment = Enrolment.objects.filter(user=user, module=module).first()
    reviewed = Reflection.objects.filter(
        author=user, task=OuterRef("pk"), status=Reflection.Status.REVIEWED
    )
    done = TaskCompletion.objects.filter(user=user, task=OuterRef("pk"))
    tasks = list(
        Task.objects.in_module(module)
        .select_related("topic")
        .annotate(has_reviewed_reflection=Exists(reviewed), is_done=Exists(done))
        .order_by("topic__number", "position")
    )
    minutes = Reflection.objects.filter(author=user, module=module).aggregate(m=Sum("cpd_minutes"))
    return CertificateRecord(
        user=user,
        module=module,
        enrolment=enrolment,
        certificate=Certificate.objects.filter(user=user, module=module).first(),
        tasks=tasks,
        cpd_minutes=minutes["m"] or 0,
        outcomes=evidence_map(user, [module]).get(module.pk, []),
        tutors=list(module.tutors.order_by("module_links__position")),
    )


def certificate_pdf(record: CertificateRecord, *, verification_url: str) -> bytes:
    """The record as a one- or two-page PDF (WeasyPrint)."""
    from weasyprint import HTML  # heavy import, only when a PDF is made

    html = render_to_string(
        "reflections/certificate_pdf.html",
        {"record": record, "certificate": record.certificate, "verification_url": verification_url},
    )
    return HTML(string=html).write_pdf()
