"""The issue's journey, in the browser: an admin makes two cohorts and enrols five people
into each from a CSV (one row with an error shown in the preview); invited people set
their passwords from their emails; two trainees of different cohorts argue in topic one's
debate without seeing each other; each cohort's tutor reviews only their own trainee; the
organisation's lead downloads the progress CSV. axe-core on every new page."""

import csv
import io
import re

import pytest
from django.core import mail

from modules.models import Cohort, Tutor
from organisations.models import Organisation
from organisations.services import membership_add
from portal.models import User
from reflections.models import ReflectionTemplate
from reflections.services import reflection_create, reflection_submit
from reflections.structures import seed_structures
from tests.browser.conftest import follow
from tests.browser.test_debate import _argue, _stance
from tests.conftest import PASSWORD
from topics.models import Task

NEW_PASSWORD = "cohort-journey-password-7"


@pytest.fixture
def structures(transactional_db):
    seed_structures(ReflectionTemplate)


def _make_cohort(page, base, *, name: str, tutor: str, axe=None):
    page.goto(base + "/admin/modules/cohort/add/")
    page.get_by_label("Module:").select_option(label="Psycho-social interventions")
    page.get_by_label("Name:").fill(name)
    page.get_by_label("Capacity:").fill("6")
    page.locator("#id_tutors_from").select_option(label=tutor)
    page.locator("#id_tutors_add").click()
    follow(page.get_by_role("button", name="Save", exact=True))
    assert "was added successfully" in page.content(), page.content()[-2000:]
    return Cohort.objects.get(name=name)


def _csv(prefix: str, organisation: str) -> bytes:
    lines = ["email,name,organisation"]
    lines += [f"{prefix}{i}@example.org,{prefix.title()} Person {i},{organisation}"
              for i in range(1, 6)]  # fmt: skip
    lines.insert(3, "not an address,Broken Row,")
    return ("\n".join(lines) + "\n").encode()


def _set_password(page, base, email: str):
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body)[1]
    page.goto(base + path)
    assert "Bad Token" not in page.content(), page.content()[-1500:]
    page.locator("input[name='password1']").fill(NEW_PASSWORD)
    page.locator("input[name='password2']").fill(NEW_PASSWORD)
    follow(page.get_by_role("button", name="Change Password"))
    assert "password is now changed" in page.content().lower(), page.content()[-1500:]


def test_two_cohorts_from_csv_to_the_leads_report(
    live_server, browser, page, axe, content, make_user, admin_user, sign_in, run_jobs,
    structures,
):  # fmt: skip
    base = live_server.url
    tess = make_user(role="tutor", name="Tess A-Tutor")
    tom = make_user(role="tutor", name="Tom B-Tutor")
    Tutor.objects.filter(slug="gillian-tober").update(user=tess)
    Tutor.objects.filter(slug="duncan-raistrick").update(user=tom)

    # The admin makes two cohorts with different tutors.
    sign_in(page, admin_user.email, PASSWORD)
    leeds = _make_cohort(page, base, name="Leeds January", tutor="Dr Gillian Tober")
    council = _make_cohort(page, base, name="Council April", tutor="Dr Duncan Raistrick")
    follow(page.get_by_role("link", name="Enrol from a CSV").first)

    # ... and enrols five people into each from a CSV, one row with an error.
    for cohort, prefix in ((leeds, "leeds"), (council, "council")):
        page.goto(base + f"/organisations/cohorts/{cohort.pk}/enrol/")
        axe(page)
        page.get_by_label("CSV file").set_input_files(
            {"name": f"{prefix}.csv", "mimeType": "text/csv",
             "buffer": _csv(prefix, "Leeds City Council")}
        )  # fmt: skip
        follow(page.get_by_role("button", name="Check the file"))
        assert "Check before enrolling" in page.content()
        error_row = page.locator("tr.bulk-error")
        assert error_row.count() == 1 and "is not an email address" in error_row.inner_text()
        assert page.locator("tr.bulk-new").count() == 5
        assert not User.objects.filter(email=f"{prefix}1@example.org").exists()
        axe(page)
        follow(page.get_by_role("button", name="Confirm: enrol 5 people"))
        assert "Waiting for a worker" in page.content()
        axe(page)
        run_jobs()  # the worker enrols them and sends the invitations
        page.reload()
        assert page.locator(".bulk-status[data-state='done']").count() == 1
        assert "5 of 5" in page.content()
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("Download the report")).click()
        report = list(
            csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read()))
        )
        assert len(report) == 1 + 6 and any("error" in row[4] for row in report[1:])
    assert leeds.enrolments.count() == 5 and council.enrolments.count() == 5

    # Two invited people set their passwords from their emails.
    ada, bo = "leeds1@example.org", "council1@example.org"
    trainee_a = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    trainee_b = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    a, b = trainee_a.new_page(), trainee_b.new_page()
    for person_page, email in ((a, ada), (b, bo)):
        _set_password(person_page, base, email)
        sign_in(person_page, email, NEW_PASSWORD)

    # They argue in topic one's debate, each in their own cohort's.
    debate = base + f"/modules/{content.slug}/topics/1/debate/"
    a.goto(debate)
    assert "Leeds January" in a.content()
    _stance(a, position="For the motion", confidence=4)
    _argue(a, side="For the motion", text="Leeds says one-to-one builds trust.")
    axe(a)
    b.goto(debate)
    _stance(b, position="Against the motion", confidence=3)
    _argue(b, side="Against the motion", text="Council says groups help more.")
    assert "Leeds says" not in b.content() and "Leeds Person" not in b.content()
    a.reload()
    assert "Council says" not in a.content() and "Council Person" not in a.content()

    # Each submits a reflection; each cohort's tutor reviews only their own trainee.
    task = Task.objects.get(topic__module=content, topic__number=1, position=1)
    for email in (ada, bo):
        author = User.objects.get(email=email)
        reflection = reflection_create(author=author, title=f"Reflection of {email}", task=task,
                                       body="What I learnt.")  # fmt: skip
        reflection_submit(reflection=reflection, by=author)
    tutor_context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    for tutor, mine, theirs in ((tess, ada, bo), (tom, bo, ada)):
        tutor_context.clear_cookies()
        t = tutor_context.new_page()
        sign_in(t, tutor.email, PASSWORD)
        t.goto(base + "/review/")
        queue = t.locator("table.review-queue").inner_text()
        assert f"Reflection of {mine}" in queue and f"Reflection of {theirs}" not in queue
        follow(t.get_by_role("link", name=f"Reflection of {mine}"))
        t.get_by_label("Reviewed: the reflection is complete").check()
        t.get_by_label("Your feedback").fill("Well observed.")
        follow(t.get_by_role("button", name="Send feedback"))
        assert "Your feedback is sent" in t.content()
        t.goto(base + f"/review/cohort/{content.slug}/")
        table = t.locator("table.cohort-table").inner_text()
        other_prefix = "Council" if mine == ada else "Leeds"
        assert other_prefix + " Person" not in table
        t.close()

    # The organisation's lead downloads the progress CSV.
    organisation = Organisation.objects.get(name="Leeds City Council")
    lead = make_user(name="Lena Lead")
    membership_add(organisation=organisation, user=lead, is_lead=True)
    lead_context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    lp = lead_context.new_page()
    sign_in(lp, lead.email, PASSWORD)
    lp.goto(base + "/dashboard/")
    follow(lp.get_by_role("link", name="Progress report: Leeds City Council"))
    axe(lp)
    assert "Leeds Person 1" in lp.content() and "Council Person 1" in lp.content()
    assert "Leeds says" not in lp.content() and "What I learnt" not in lp.content()
    with lp.expect_download() as download:
        lp.get_by_role("link", name=re.compile("Download CSV")).click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert rows[0][:4] == ["Name", "Email", "Module", "Cohort"]
    by_email = {row[1]: row for row in rows[1:]}
    assert len([e for e in by_email if e.endswith("@example.org") and "person" not in e]) >= 10
    assert by_email[ada][3] == "Leeds January" and by_email[ada][8] == "1"  # reviewed
    assert by_email[bo][3] == "Council April"
    for context in (trainee_a, trainee_b, tutor_context, lead_context):
        context.close()
