"""Two cohorts of the real module with different tutors, a trainee in each, and a lead
tutor: the people of the cohort isolation tests."""

from types import SimpleNamespace

import pytest

from modules.models import Cohort, ModuleTutor, Tutor
from modules.services import enrolment_create
from portal.services import user_make_tutor
from topics.models import Motion


@pytest.fixture
def motion(content):
    return Motion.objects.select_related("task__topic__module").get(
        task__topic__module=content, task__topic__number=1
    )


@pytest.fixture
def two_cohorts(content, make_user):
    """Cohort A tutored by Gillian Tober's account, cohort B by Duncan Raistrick's, a
    trainee in each (ada in A, bo in B), and Lee, a lead tutor of the module."""
    tutor_a = make_user(role="tutor", name="Tess A-Tutor")
    tutor_b = make_user(role="tutor", name="Tom B-Tutor")
    gillian = Tutor.objects.get(slug="gillian-tober")
    duncan = Tutor.objects.get(slug="duncan-raistrick")
    Tutor.objects.filter(pk=gillian.pk).update(user=tutor_a)
    Tutor.objects.filter(pk=duncan.pk).update(user=tutor_b)
    lead = make_user(role="tutor", name="Lee Lead")
    lead_profile = Tutor.objects.create(name="Lee Lead", slug="lee", role_line="Lead", user=lead)
    ModuleTutor.objects.create(module=content, tutor=lead_profile, position=3, is_lead=True)
    user_make_tutor(user=lead)
    cohort_a = Cohort.objects.create(module=content, name="Leeds January")
    cohort_a.tutors.set([gillian])
    cohort_b = Cohort.objects.create(module=content, name="Council April")
    cohort_b.tutors.set([duncan])
    ada = make_user(name="Ada A-Trainee")
    bo = make_user(name="Bo B-Trainee")
    enrolment_create(user=ada, module=content, cohort=cohort_a)
    enrolment_create(user=bo, module=content, cohort=cohort_b)
    return SimpleNamespace(
        module=content, a=cohort_a, b=cohort_b, ada=ada, bo=bo, tutor_a=tutor_a,
        tutor_b=tutor_b, lead=lead,
    )  # fmt: skip
