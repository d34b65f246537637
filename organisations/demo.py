"""Demo cohorts and an organisation that ``seed_demo`` adds (idempotent): the module's
demo trainees split into two cohorts with different tutors, and an employer whose lead
sees their progress report."""

from django.db import transaction

from modules.models import Cohort, Enrolment, Module, Tutor
from modules.services import enrolment_move
from portal.models import User
from portal.services import user_create_verified, user_make_tutor

from .services import membership_add, organisation_get_or_create

DEMO_MODULE = "psycho-social-interventions"
COHORT_A = "Leeds, January intake (demo)"
COHORT_B = "Council social workers, April intake (demo)"
ORGANISATION = "Leeds Community Alcohol Service (demo)"
# (role, email, password, full name): printed by seed_demo, listed in the README
DEMO_ACCOUNTS = [
    ("tutor B", "tutor2@example.com", "tutor2-demo-2026", "Prof Duncan Raistrick (demo account)"),
    ("org lead", "lead@example.com", "lead-demo-2026", "Lee Lead (organisation lead)"),
]
MEMBERS = ["trainee@example.com", "riley.demo@example.com", "sam.demo@example.com"]


@transaction.atomic
def seed_demo_cohorts(*, stdout) -> None:
    module = Module.objects.filter(slug=DEMO_MODULE).first()
    if module is None:
        stdout.write("Demo cohorts skipped: load the course content first.")
        return
    accounts = {}
    for _role, email, password, name in DEMO_ACCOUNTS:
        user = User.objects.filter(email__iexact=email).first() or user_create_verified(
            email=email, password=password, full_name=name
        )
        accounts[email] = user
    tutor_b = accounts["tutor2@example.com"]
    user_make_tutor(user=tutor_b)
    Tutor.objects.filter(slug="duncan-raistrick", user__isnull=True).update(user=tutor_b)
    gillian = Tutor.objects.filter(slug="gillian-tober").first()
    duncan = Tutor.objects.filter(slug="duncan-raistrick").first()

    # The demo trainees' first cohort (made when they enrolled) becomes intake A.
    cohort_a = Cohort.objects.filter(module=module, name=COHORT_A).first()
    if cohort_a is None:
        cohort_a = Cohort.objects.filter(module=module, name="All trainees").first()
        if cohort_a is None:
            cohort_a = Cohort.objects.create(module=module, name=COHORT_A)
        cohort_a.name = COHORT_A
        cohort_a.save(update_fields=["name"])
        cohort_a.tutors.set([t for t in (gillian,) if t])
    cohort_b, created = Cohort.objects.get_or_create(
        module=module, name=COHORT_B, defaults={"capacity": 25}
    )
    if created:
        cohort_b.tutors.set([t for t in (duncan,) if t])
    sam = Enrolment.objects.filter(
        module=module, user__email="sam.demo@example.com", cohort=cohort_a
    ).select_related("cohort", "user", "module")
    for enrolment in sam:
        enrolment_move(enrolment=enrolment, cohort=cohort_b)

    organisation = organisation_get_or_create(name=ORGANISATION)
    membership_add(organisation=organisation, user=accounts["lead@example.com"], is_lead=True)
    for user in User.objects.filter(email__in=MEMBERS):
        membership_add(organisation=organisation, user=user)
    stdout.write(
        f"Demo cohorts: “{COHORT_A}” (code {cohort_a.enrolment_code}, tutor@example.com) and "
        f"“{COHORT_B}” (code {cohort_b.enrolment_code}, tutor2@example.com); organisation "
        f"“{ORGANISATION}” led by lead@example.com."
    )
    for role, email, password, _name in DEMO_ACCOUNTS:
        stdout.write(f"  {role:<8} {email:<22} password: {password}")
