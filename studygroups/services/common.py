"""What every study-group write shares: the refusal it raises, the group lock, the rules
of who may do what."""

from django.db.models import Exists, OuterRef

from modules.models import Enrolment, Module
from modules.services import enrolment_create

from ..models import Membership, StudyGroup


class GroupError(Exception):
    """A write refused for a reason the person can act on; ``message`` says it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def lock_group(group: StudyGroup) -> StudyGroup:
    """The group's row, locked until the transaction ends (PostgreSQL; SQLite's immediate
    transactions already run one writer at a time), so two joins cannot both take the
    last place."""
    return StudyGroup.objects.select_for_update().select_related("module").get(pk=group.pk)


def prerequisites_missing(*, user, module: Module) -> list[Module]:
    """The module's prerequisites that the user has not completed on the portal (one query),
    or nothing once the user is enrolled in the module."""
    completed = Enrolment.objects.filter(
        user=user, module=OuterRef("required"), completed_at__isnull=False
    )
    if Enrolment.objects.filter(user=user, module=module).exists():
        return []
    return [
        link.required
        for link in module.prerequisite_links.select_related("required")
        .annotate(done=Exists(completed))
        .filter(done=False)
    ]


def cohort_of(*, user, module: Module):
    """The user's cohort in the module, or None when not enrolled."""
    enrolment = Enrolment.objects.filter(user=user, module=module).select_related("cohort").first()
    return enrolment.cohort if enrolment else None


def enrol(*, user, module: Module, prerequisites_confirmed: bool, cohort=None) -> None:
    """Joining a group enrols the person in its module (in the group's cohort, if it has
    one), confirming a prerequisite done elsewhere when the portal has no record of it."""
    if Enrolment.objects.filter(user=user, module=module).exists():
        return
    missing = prerequisites_missing(user=user, module=module)
    if missing and not prerequisites_confirmed:
        titles = " and ".join(m.title for m in missing)
        raise GroupError(f"Please confirm that you have completed {titles} before you join.")
    enrolment_create(user=user, module=module, prerequisites_confirmed=bool(missing), cohort=cohort)


def may_schedule(membership: Membership) -> bool:
    """The convenor schedules meetings; members too when the group allows it."""
    if membership.role == Membership.Role.CONVENOR:
        return True
    return membership.role == Membership.Role.MEMBER and membership.group.members_can_schedule


def require(condition: bool, message: str) -> None:
    if not condition:
        raise GroupError(message)
