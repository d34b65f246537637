"""Enrolling into cohorts: the default cohort, choosing among open cohorts, the code and
the shareable link, capacity, and the admin's cohort form."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from modules.models import Cohort, Enrolment, Tutor
from modules.services import cohort_enrol_by_code, enrolment_create
from tests.debates.conftest import post


def test_an_enrolment_without_a_cohort_goes_to_the_default_one(content, trainee, tutor):
    enrolment = enrolment_create(user=trainee, module=content)
    cohort = enrolment.cohort
    assert cohort.module == content and cohort.name == "All trainees"
    # the first, automatic cohort is taught by all of the module's tutors
    assert set(cohort.tutors.values_list("slug", flat=True)) == {
        "gillian-tober", "duncan-raistrick",
    }  # fmt: skip
    assert Enrolment.objects.create(user=tutor, module=content).cohort == cohort


def test_choosing_among_open_cohorts(client_for, content, trainee):
    a = Cohort.objects.create(module=content, name="Leeds January")
    b = Cohort.objects.create(module=content, name="Council April")
    Cohort.objects.create(module=content, name="Closed one", is_open=False)
    client = client_for(trainee)
    html = client.get(content.get_absolute_url()).content.decode()
    assert "Leeds January" in html and "Council April" in html and "Closed one" not in html
    url = reverse("modules:enrol", kwargs={"slug": content.slug})
    response = post(client, url, {"cohort": ""})
    assert response.status_code == 200 and not Enrolment.objects.filter(user=trainee).exists()
    response = post(client, url, {"cohort": b.pk, "confirm_prerequisites": "on"})
    assert response.status_code == 302
    assert Enrolment.objects.get(user=trainee).cohort == b
    assert a.enrolments.count() == 0


def test_a_full_cohort_refuses_self_enrolment(client_for, content, trainee, other_trainee):
    only = Cohort.objects.create(module=content, name="Small", capacity=1)
    enrolment_create(user=other_trainee, module=content, cohort=only)
    client = client_for(trainee)
    response = post(
        client,
        reverse("modules:enrol", kwargs={"slug": content.slug}),
        {"confirm_prerequisites": "on"},
    )
    assert response.status_code == 200
    assert "is full" in response.content.decode()
    assert not Enrolment.objects.filter(user=trainee).exists()


def test_joining_by_code_and_link(client_for, content, trainee, other_trainee, client):
    cohort = Cohort.objects.create(module=content, name="Leeds January")
    Cohort.objects.create(module=content, name="Other")
    link = cohort.get_absolute_url()
    assert link == f"/modules/join/{cohort.enrolment_code}/"
    assert client.get(link).status_code == 302  # signed out: sign in first
    user = client_for(trainee)
    response = post(user, reverse("modules:join_code"), {"code": "nothing"})
    assert "No open cohort has that code" in response.content.decode()
    typed = " " + cohort.enrolment_code.lower()[:4] + " " + cohort.enrolment_code.lower()[4:]
    response = post(user, reverse("modules:join_code"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == link
    page = user.get(link).content.decode()
    assert "Leeds January" in page
    response = post(user, link, {"confirm_prerequisites": "on"})
    assert response.status_code == 302
    assert Enrolment.objects.get(user=trainee).cohort == cohort
    # a closed cohort's link is 404
    cohort.is_open = False
    cohort.save()
    assert client_for(other_trainee).get(link).status_code == 404


def test_code_enrolment_keeps_an_existing_cohort(content, trainee):
    a = Cohort.objects.create(module=content, name="A")
    b = Cohort.objects.create(module=content, name="B")
    enrolment_create(user=trainee, module=content, cohort=a)
    with pytest.raises(ValidationError, match="already enrolled"):
        cohort_enrol_by_code(user=trainee, code=b.enrolment_code)
    assert cohort_enrol_by_code(user=trainee, code=a.enrolment_code).cohort == a


def test_closed_cohorts_only_offer_the_code(client_for, content, trainee):
    Cohort.objects.create(module=content, name="Closed", is_open=False)
    client = client_for(trainee)
    html = client.get(content.get_absolute_url()).content.decode()
    assert "by invitation or with an enrolment code" in html
    response = post(
        client,
        reverse("modules:enrol", kwargs={"slug": content.slug}),
        {"confirm_prerequisites": "on"},
    )
    assert response.status_code == 302
    assert not Enrolment.objects.filter(user=trainee).exists()


def test_admin_cohort_form_keeps_tutors_to_the_modules(content, admin_user):
    client = Client()
    client.force_login(admin_user)
    stranger = Tutor.objects.create(name="Stranger", slug="stranger", role_line="Not here")
    gillian = Tutor.objects.get(slug="gillian-tober")
    data = {"module": content.pk, "name": "Leeds", "starts_on": "2027-01-10",
            "ends_on": "2027-01-01", "capacity": "", "tutors": [stranger.pk, gillian.pk],
            "is_open": "on", "enrolment_code": "leeds 2027"}  # fmt: skip
    response = client.post(reverse("admin:modules_cohort_add"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stranger do not tutor" in html and "ends on or after" in html
    data.update(tutors=[gillian.pk], ends_on="2027-04-01", enrolment_code="LEEDS2O27")
    response = client.post(reverse("admin:modules_cohort_add"), data)
    assert "capital letters and digits" in response.content.decode()
    data.update(enrolment_code="leeds 2727")
    response = client.post(reverse("admin:modules_cohort_add"), data)
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="Leeds")
    assert cohort.enrolment_code == "LEEDS2727"
    assert list(cohort.tutors.all()) == [gillian]
    page = client.get(reverse("admin:modules_cohort_changelist")).content.decode()
    assert "/modules/join/LEEDS2727/" in page
