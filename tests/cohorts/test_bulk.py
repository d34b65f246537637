"""Bulk enrolment from a CSV: the preview row by row (new / existing / errors), nothing
written before confirming, the worker's run with its progress, invitations through the
accounts' own set-password flow, the report safe from formulas, and the files refused."""

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from modules.models import Cohort, Enrolment
from modules.services import enrolment_create
from notifications.models import Notification, OutboundEmail
from organisations.bulk import FileRefused, read_csv
from organisations.models import BulkEnrolment, Membership
from portal.models import User


def upload(client, cohort, text, *, encoding="utf-8", name="people.csv"):
    url = reverse("organisations:bulk_upload", args=[cohort.pk])
    client.get(url)
    data = text.encode(encoding) if isinstance(text, str) else text
    return client.post(url, {"file": SimpleUploadedFile(name, data, "text/csv"),
                             "csrfmiddlewaretoken": client.cookies["csrftoken"].value})  # fmt: skip


def confirm(client, bulk, action="confirm"):
    token = client.cookies["csrftoken"].value
    url = reverse("organisations:bulk_confirm", args=[bulk.pk])
    return client.post(url, {"action": action, "csrfmiddlewaretoken": token})


@pytest.fixture
def cohort(two_cohorts):
    two_cohorts.a.capacity = 5
    two_cohorts.a.save()
    return two_cohorts.a


FILE = """Email,Full name,Organisation
new.one@example.org,New One,Leeds City Council
not-an-address,Bad Address,
{existing},Someone Existing,
NEW.ONE@example.org,New One Again,
{other_cohort},In Another Cohort,
new.two@example.org,=Formula Two,+Council
new.three@example.org,New Three,
new.four@example.org,New Four,
"""


def test_preview_then_confirm_enrols_and_invites(client_for, two_cohorts, cohort, admin_user,
                                                 make_user, run_jobs):  # fmt: skip
    c = two_cohorts
    existing = make_user(name="Someone Existing")
    client = client_for(admin_user)
    text = FILE.format(existing=existing.email.upper(), other_cohort=c.bo.email)
    response = upload(client, cohort, text)
    bulk = BulkEnrolment.objects.get()
    assert response.status_code == 302 and response["Location"] == bulk.get_absolute_url()
    html = client.get(bulk.get_absolute_url()).content.decode()
    statuses = [(r["email"], r["status"], r["message"]) for r in bulk.rows]
    assert [s[1] for s in statuses] == [
        "new", "error", "existing", "error", "error", "new", "new", "error",
    ]  # fmt: skip
    assert "is not an email address" in statuses[1][2]
    assert "same address as line 2" in statuses[3][2]
    assert "Council April" in statuses[4][2]
    assert "cohort is full" in statuses[7][2]  # ada is in A already: 1 + 4 = 5
    assert "4 with an error" in html.replace("\n", " ") or "4 with an error" in html
    # nothing written yet
    assert not User.objects.filter(email="new.one@example.org").exists()
    assert Enrolment.objects.filter(cohort=cohort).count() == 1
    assert not OutboundEmail.objects.exists()
    response = confirm(client, bulk)
    assert response.status_code == 302
    bulk.refresh_from_db()
    assert bulk.state == "queued" and bulk.total == 4
    html = client.get(bulk.get_absolute_url()).content.decode()
    assert "Waiting for a worker" in html and 'hx-trigger="every 2s"' in html
    run_jobs()
    bulk.refresh_from_db()
    assert bulk.state == "done" and bulk.done == 4
    assert Enrolment.objects.filter(cohort=cohort).count() == 5
    new_one = User.objects.get(email="new.one@example.org")
    assert not new_one.has_usable_password() and new_one.full_name == "New One"
    assert Membership.objects.filter(user=new_one, organisation__name="Leeds City Council").exists()
    invitations = OutboundEmail.objects.filter(to="new.one@example.org")
    assert invitations.count() == 1
    assert Notification.objects.filter(recipient=existing, kind="enrolment").count() == 1
    assert Enrolment.objects.get(user=existing).cohort == cohort
    assert Enrolment.objects.get(user=c.bo).cohort == c.b  # untouched
    # a second run, or a second confirmation, does nothing more
    confirm(client, bulk)
    from organisations.bulk import bulk_run

    BulkEnrolment.objects.filter(pk=bulk.pk).update(state="running")
    bulk_run(bulk_id=bulk.pk)
    assert OutboundEmail.objects.filter(to="new.one@example.org").count() == 1
    # the report: every row, formulas defused
    response = client.get(reverse("organisations:bulk_report", args=[bulk.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Line", "Email", "Name", "Organisation", "Checked", "Outcome"]
    assert len(rows) == 1 + 8
    formula = next(r for r in rows if r[1] == "new.two@example.org")
    assert formula[2] == "'=Formula Two" and formula[3] == "'+Council"
    assert formula[5] == "Account made, enrolled, invitation sent."


def test_the_invited_person_sets_a_password_and_signs_in(client_for, cohort, admin_user,
                                                        run_jobs, client, settings):  # fmt: skip
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin = client_for(admin_user)
    upload(admin, cohort, "email,name\ninvited@example.org,Ivy Invited\n")
    bulk = BulkEnrolment.objects.get()
    confirm(admin, bulk)
    run_jobs()
    [message] = [m for m in mail.outbox if "invited@example.org" in m.to]
    link = next(w for w in message.body.split() if "/password/reset/key/" in w)
    path = link.split("127.0.0.1:8000", 1)[-1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"password1": "a-new-long-password-9",
                                      "password2": "a-new-long-password-9"})  # fmt: skip
    assert response.status_code == 302, (form_url, response.content.decode()[-3000:])
    assert client.login(email="invited@example.org", password="a-new-long-password-9")
    # the email carrying the key is blanked once sent
    assert OutboundEmail.objects.get(to="invited@example.org").text_body == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("email,name\nzoë@example.org,Zoë\n".encode("latin-1"), "not UTF-8"),
        (b"PK\x03\x04binary", "not a CSV file"),
        (b"mail,who\nx@example.org,X\n", "Missing: email, name"),
        (b"", "empty"),
        (b"email,name\n", "nobody in it"),
        (
            ("email,name\n" + "".join(f"p{i}@example.org,P {i}\n" for i in range(10_000))).encode(),
            "10,000 people or more",
        ),
    ],
)
def test_files_that_cannot_be_read_are_refused(data, message):
    with pytest.raises(FileRefused, match=message):
        read_csv(data)


def test_a_refused_file_says_why_and_keeps_nothing(client_for, cohort, admin_user):
    client = client_for(admin_user)
    response = upload(client, cohort, "Name;Wrong\nA;B\n")
    assert response.status_code == 200
    assert "“email” and “name” are needed" in response.content.decode()
    assert not BulkEnrolment.objects.exists()
    # semicolons and a byte-order mark are fine
    upload(client, cohort, "\ufeffemail;name\nsemi@example.org;Semi Colon\n")
    assert BulkEnrolment.objects.get().rows[0]["status"] == "new"


def test_only_staff_and_lead_tutors_enrol_in_bulk(client_for, two_cohorts, cohort, admin_user):
    c = two_cohorts
    url = reverse("organisations:bulk_upload", args=[cohort.pk])
    for who in (c.ada, c.tutor_a, c.tutor_b):
        assert client_for(who).get(url).status_code == 404
        assert client_for(who).get(reverse("organisations:cohorts")).status_code == 404
    for who in (c.lead, admin_user):
        assert client_for(who).get(url).status_code == 200
    lead = client_for(c.lead)
    upload(lead, cohort, "email,name\nled@example.org,Led In\n")
    bulk = BulkEnrolment.objects.get()
    for who in (c.ada, c.tutor_a):
        client = client_for(who)
        assert client.get(bulk.get_absolute_url()).status_code == 404
        assert client.get(reverse("organisations:bulk_report", args=[bulk.pk])).status_code == 404
    assert "Enrol people in bulk" in lead.get(reverse("dashboard")).content.decode()
    # cancelling writes nothing
    confirm(lead, bulk, action="cancel")
    assert BulkEnrolment.objects.get().state == "cancelled"
    assert not User.objects.filter(email="led@example.org").exists()


def test_preview_queries_do_not_grow_with_rows(client_for, cohort, admin_user,
                                              django_assert_max_num_queries):  # fmt: skip
    client = client_for(admin_user)
    for n in (5, 200):
        text = "email,name\n" + "".join(f"q{n}-{i}@example.org,Q {i}\n" for i in range(n))
        with django_assert_max_num_queries(12):
            assert upload(client, cohort, text).status_code == 302
    bulk = BulkEnrolment.objects.first()
    with django_assert_max_num_queries(6):
        assert client.get(bulk.get_absolute_url()).status_code == 200


def test_existing_enrolments_and_capacity(make_user, two_cohorts, cohort):
    from organisations.bulk import check_rows

    c = two_cohorts
    full = Cohort.objects.create(module=c.module, name="Tiny", capacity=1)
    enrolment_create(user=make_user(), module=c.module, cohort=full)
    rows = check_rows([{"line": 2, "email": c.ada.email, "name": "", "organisation": ""},
                       {"line": 3, "email": "x@example.org", "name": "X", "organisation": ""}],
                      full)  # fmt: skip
    assert rows[0]["status"] == "error" and "Leeds January" in rows[0]["message"]
    assert rows[1]["status"] == "error" and "full" in rows[1]["message"]
    rows = check_rows([{"line": 2, "email": c.ada.email, "name": "", "organisation": ""}], c.a)
    assert rows[0]["status"] == "existing" and "nothing to do" in rows[0]["message"]
