"""The evidence map (which reflections a tutor linked to each learning outcome) and the
certificate / CPD record a trainee downloads when a module is complete."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from modules.models import Enrolment, LearningOutcome, Module, Tutor
from topics.models import Task

from .models import Certificate, CertificateRule, Feedback, Reflection
from .selectors import format_minutes


@dataclass
class Evidence:
    """A reflection a tutor linked to an outcome, with who reviewed it."""

    reflection: Reflection
    reviewer: str

    @property
    def is_reviewed(self) -> bool:
        return self.reflection.status == Reflection.Status.REVIEWED


@dataclass
class OutcomeEvidence:
    outcome: LearningOutcome
    reflections: list[Reflection] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def reviewed(self) -> list[Evidence]:
        """The evidence that counts: reflections in the reviewed state."""
        return [item for item in self.evidence if item.is_reviewed]

    @property
    def is_evidenced(self) -> bool:
        return bool(self.reviewed)


def _reviewer_name(feedback: Feedback) -> str:
    tutor = feedback.tutor
    if tutor is None:
        return "a tutor"
    profile = getattr(tutor, "tutor_profile", None)
    return profile.name if profile is not None else (tutor.get_full_name() or "a tutor")


def evidence_map(user, modules) -> dict[int, list[OutcomeEvidence]]:
    """Per module id: each learning outcome, in order, with the user's reflections that a
    tutor linked to it in any round of review, and who linked each (two queries)."""
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
        .select_related("feedback__reflection", "feedback__tutor__tutor_profile")
        .order_by("feedback__reflection__created_at", "feedback__reflection__pk", "feedback__pk")
    )
    for link in links:
        item = by_outcome.get(link.learningoutcome_id)
        reflection = link.feedback.reflection
        if item is not None and all(r.pk != reflection.pk for r in item.reflections):
            item.reflections.append(reflection)
            item.evidence.append(Evidence(reflection, _reviewer_name(link.feedback)))
    return result


@dataclass
class Missing:
    """One thing the certificate still needs, with where to go about it."""

    text: str
    url: str
    action: str


# What a task's reflection still needs, in the order a trainee meets it: the annotation that
# names the reflection, the sentence, where it is done and the link's words.
REFLECTION_STATES = (
    ("waiting_reflection_id", "your reflection is waiting for a tutor's review.",
     "reflections:detail", "See the reflection"),
    ("revise_reflection_id",
     "a tutor asked you to revise your reflection; revise and submit it.",
     "reflections:edit", "Revise the reflection"),
    ("draft_reflection_id", "your reflection is a draft; submit it for review.",
     "reflections:detail", "Submit the reflection"),
)  # fmt: skip


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
    def rule(self) -> CertificateRule:
        """The rule a certificate made now would be made under."""
        return CertificateRule.for_module(self.module)

    @property
    def unreviewed_tasks(self) -> list[Task]:
        """Tasks without a reviewed reflection, where the module asks for one on each."""
        if not self.module.require_reviewed_reflections:
            return []
        return [task for task in self.tasks if not task.has_reviewed_reflection]

    @property
    def unevidenced_outcomes(self) -> list[OutcomeEvidence]:
        if not self.module.require_outcome_evidence:
            return []
        return [item for item in self.outcomes if not item.is_evidenced]

    @property
    def missing(self) -> list[Missing]:
        """Exactly what stands between the trainee and the certificate, task by task and
        outcome by outcome, each with a link to where it is done."""
        if self.enrolment is None:
            return [Missing("You are not enrolled in this module.", "", "")]
        items = []
        for task in self.tasks:
            if not task.is_done:
                items.append(Missing(f"{task}: not marked done.", task.get_absolute_url(),
                                     "Open the task"))  # fmt: skip
        for task in self.unreviewed_tasks:
            for attname, what, url_name, label in REFLECTION_STATES:
                if getattr(task, attname):
                    url = reverse(url_name, args=[getattr(task, attname)])
                    items.append(Missing(f"{task}: {what}", url, label))
                    break
            else:
                items.append(Missing(
                    f"{task}: no reflection yet; write one and submit it for review.",
                    task.get_absolute_url() + "#reflect-title",
                    "Write the reflection",
                ))  # fmt: skip
        for item in self.unevidenced_outcomes:
            items.append(Missing(
                f"Learning outcome “{item.outcome.text}”: no reviewed reflection linked to it "
                "yet. Tutors link the outcomes a reflection evidences when they review it.",
                reverse("reflections:portfolio") + f"#evidence-{self.module.slug}",
                "See your evidence",
            ))  # fmt: skip
        return items

    @property
    def is_ready(self) -> bool:
        return self.enrolment is not None and not self.missing

    @property
    def tasks_done(self) -> int:
        return sum(1 for task in self.tasks if task.is_done)

    @property
    def cpd_total(self) -> str:
        return format_minutes(self.cpd_minutes)

    @property
    def reasons(self) -> list[str]:
        """Why the certificate is not ready yet, in a few words (for messages)."""
        reasons = []
        if self.enrolment is None:
            return ["You are not enrolled in this module."]
        if not self.is_complete:
            reasons.append(
                f"Finish every task first: {self.tasks_done} of {len(self.tasks)} are done."
            )
        if self.unreviewed_tasks:
            count = len(self.unreviewed_tasks)
            reasons.append(
                f"This module asks for a tutor-reviewed reflection on every task; {count} "
                f"task{'s' if count != 1 else ''} still need{'' if count != 1 else 's'} one."
            )
        if self.unevidenced_outcomes:
            count = len(self.unevidenced_outcomes)
            reasons.append(
                f"Every learning outcome needs a reviewed reflection a tutor linked to it; "
                f"{count} outcome{'s' if count != 1 else ''} still "
                f"need{'' if count != 1 else 's'} one."
            )
        return reasons


def _reflection_of(user, status):
    return (
        Reflection.objects.filter(author=user, task=OuterRef("pk"), status=status)
        .order_by("-updated_at")
        .values("pk")[:1]
    )


def certificate_record(*, user, module: Module) -> CertificateRecord:
    """Seven queries, whatever the size of the module or the portfolio."""
    from topics.models import TaskCompletion

    enrolment = Enrolment.objects.filter(user=user, module=module).first()
    status = Reflection.Status
    reviewed = Reflection.objects.filter(author=user, task=OuterRef("pk"), status=status.REVIEWED)
    done = TaskCompletion.objects.filter(user=user, task=OuterRef("pk"))
    tasks = list(
        Task.objects.in_module(module)
        .select_related("topic__module")
        .annotate(
            has_reviewed_reflection=Exists(reviewed),
            is_done=Exists(done),
            waiting_reflection_id=Subquery(_reflection_of(user, status.SUBMITTED)),
            revise_reflection_id=Subquery(_reflection_of(user, status.REVISION_REQUESTED)),
            draft_reflection_id=Subquery(_reflection_of(user, status.DRAFT)),
        )
        .order_by("topic__number", "position")
    )
    minutes = Reflection.objects.filter(author=user, module=module).aggregate(m=Sum("cpd_minutes"))
    certificate = Certificate.objects.filter(user=user, module=module).first()
    if certificate is not None:
        certificate.module, certificate.user = module, user
    return CertificateRecord(
        user=user,
        module=module,
        enrolment=enrolment,
        certificate=certificate,
        tasks=tasks,
        cpd_minutes=minutes["m"] or 0,
        outcomes=evidence_map(user, [module]).get(module.pk, []),
        tutors=list(module.tutors.order_by("module_links__position")),
    )


def readiness_annotations(user) -> dict:
    """Annotations for a queryset of the user's enrolments (``module`` is the outer
    reference): whether a certificate is made, and how many tasks and outcomes still lack
    reviewed evidence. They ride on a query the page runs anyway, so a certificate notice
    costs no query of its own."""
    status = Reflection.Status.REVIEWED
    tasks_unreviewed = (
        Task.objects.filter(topic__module=OuterRef("module"))
        .exclude(Exists(Reflection.objects.filter(author=user, task=OuterRef("pk"), status=status)))
        .order_by()
        .values("topic__module")
        .annotate(n=Count("pk"))
        .values("n")
    )
    evidenced = Feedback.outcomes.through.objects.filter(
        learningoutcome=OuterRef("pk"),
        feedback__reflection__author=user,
        feedback__reflection__status=status,
    )
    outcomes_unevidenced = (
        LearningOutcome.objects.filter(module=OuterRef("module"))
        .exclude(Exists(evidenced))
        .order_by()
        .values("module")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "certificate_made": Exists(
            Certificate.objects.filter(user=user, module=OuterRef("module"))
        ),
        "tasks_unreviewed": Coalesce(Subquery(tasks_unreviewed), 0),
        "outcomes_unevidenced": Coalesce(Subquery(outcomes_unevidenced), 0),
    }


def certificate_enrolments(user) -> list[Enrolment]:
    """The user's enrolments with their modules, each with ``certificate_state`` (one
    query)."""
    enrolments = list(
        Enrolment.objects.for_user(user)
        .select_related("module")
        .annotate(**readiness_annotations(user))
        .order_by("module__position", "module__title")
    )
    for enrolment in enrolments:
        enrolment.certificate_state = certificate_state(enrolment)
    return enrolments


def certificate_state(enrolment) -> str:
    """From an enrolment annotated with ``readiness_annotations``: "made", "ready" (it can
    be made now) or "not_ready"."""
    if getattr(enrolment, "certificate_made", False):
        return "made"
    module = enrolment.module
    if enrolment.completed_at is None:
        return "not_ready"
    if module.require_reviewed_reflections and enrolment.tasks_unreviewed:
        return "not_ready"
    if module.require_outcome_evidence and enrolment.outcomes_unevidenced:
        return "not_ready"
    return "ready"
