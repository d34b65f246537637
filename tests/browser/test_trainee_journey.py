"""Issue 3's "Done when", end to end in a browser.

A new trainee signs up and verifies the address, signs in, enrols (confirming the
prerequisite), sets a timetable, does all twelve tasks with a reflection on each from the
lightbulb (each of the three structures, one submitted for review), sees the module reach
100% and complete with its date, and downloads the portfolio as PDF, HTML and Markdown.
axe-core runs once on each kind of page on the way. (Keyboard-only writing is covered in
test_reflections.py, and keyboard-only task completion in test_progress.py.)
"""

import datetime
import io
import re
import zipfile

from django.core import mail
from django.utils import dateformat, timezone
from pypdf import PdfReader

from modules.models import Enrolment
from portal.models import User
from reflections.models import Reflection, ReflectionTemplate
from reflections.structures import seed_structures
from tests.browser.conftest import follow
from tests.conftest import PASSWORD
from topics.models import Task, TaskCompletion, TimetableTarget

MODULE = "/modules/psycho-social-interventions/"
EMAIL = "robin.journey@example.org"
NAME = "Robin Journey"
# (label on the "new reflection" form, a heading it puts into the draft, template slug)
STRUCTURES = [
    ("Free text", None, "free"),
    ("Gibbs' reflective cycle", "Feelings", "gibbs"),
    ("What? So what? Now what?", "So what?", "what-so-what-now-what"),
]
SUBMIT_FOR_REVIEW = {3, 12}  # tasks whose reflection goes to the tutors


def _title(n: int) -> str:
    return f"Task {n:02d}: what I take from it"


def _sign_up_and_verify(page, base, axe, run_jobs):
    page.goto(base + "/accounts/signup/")
    axe(page)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Full name").fill(NAME)
    page.get_by_label("Password").first.fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign Up"))
    page.wait_for_url(re.compile(r".*/accounts/confirm-email/$"))
    assert "Verify Your Email Address" in page.content()
    axe(page)
    run_jobs()  # the worker sends the verification mail
    assert mail.outbox[-1].to == [EMAIL]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    page.goto(base + link.group(1))
    axe(page)
    follow(page.get_by_role("button", name="Confirm"))
    assert User.objects.get(email=EMAIL).emailaddress_set.get().verified


def test_new_trainee_does_the_whole_module_and_downloads_the_portfolio(
    live_server, page, axe, content, sign_in, run_jobs
):
    seed_structures(ReflectionTemplate)  # the live server's database is flushed between tests
    base = live_server.url

    # --- sign up, verify, sign in ----------------------------------------------------
    _sign_up_and_verify(page, base, axe, run_jobs)
    sign_in(page, EMAIL, PASSWORD)
    page.wait_for_url(f"{base}/dashboard/")
    assert "You are not enrolled in any module yet" in page.content()
    axe(page)
    trainee = User.objects.get(email=EMAIL)

    # --- enrol, confirming the prerequisite -------------------------------------------
    follow(page.get_by_role("link", name="Browse the module catalogue"))
    follow(page.get_by_role("link", name="Psycho-social interventions").first)
    page.wait_for_url(base + MODULE)
    axe(page)
    page.get_by_label("I have completed Talking to People elsewhere").check()
    page.get_by_role("button", name="Enrol").click()
    page.get_by_text("You are enrolled in Psycho-social interventions").wait_for()
    assert "0 of 12 tasks done" in page.content()
    axe(page)
    assert Enrolment.objects.get(user=trainee).prerequisites_confirmed_at is not None

    # --- a timetable: a target date for each of the four topics -----------------------
    follow(page.get_by_role("link", name="Your timetable"))
    page.wait_for_url(f"{base}{MODULE}timetable/")
    axe(page)
    today = timezone.localdate()
    targets = {n: today + datetime.timedelta(weeks=2 * n) for n in (1, 2, 3, 4)}
    for n, word in enumerate(["One", "Two", "Three", "Four"], start=1):
        page.get_by_label(re.compile(f"Topic {word} - ")).fill(targets[n].isoformat())
    page.get_by_role("button", name="Save my timetable").click()
    page.get_by_text("Your timetable is saved.").wait_for()
    saved = dict(
        TimetableTarget.objects.filter(user=trainee).values_list("topic__number", "target_date")
    )
    assert saved == targets

    # --- each of the twelve tasks: open, mark done, reflect from the lightbulb --------
    tasks = list(
        Task.objects.in_module(content)
        .select_related("topic__module")
        .order_by("topic__number", "position")
    )
    assert len(tasks) == 12
    for n, task in enumerate(tasks, start=1):
        structure, heading, _slug = STRUCTURES[(n - 1) % 3]
        first_time = n <= 3  # axe once on each page, and once for each structure

        page.goto(base + task.get_absolute_url())
        assert task.title in page.get_by_role("heading", level=1).inner_text()
        if n == 1:
            axe(page)
        page.get_by_role("button", name="Mark as done").click()
        page.locator("#task-done-panel").get_by_text(f"{n} of 12 tasks done").wait_for()
        page.get_by_role("button", name="Mark as not done").wait_for()
        if n == 1:
            axe(page)

        lightbulb = page.get_by_role("complementary").filter(has_text="Reflect on this task")
        lightbulb.get_by_role("link", name="Write a reflection").click()
        page.wait_for_url(re.compile(rf"/portfolio/new/\?task={task.pk}$"))
        if n == 1:
            axe(page)
        page.get_by_label("Title").fill(_title(n))
        page.get_by_label(re.compile(re.escape(structure))).check()
        page.get_by_role("button", name="Start writing").click()
        page.wait_for_url(re.compile(r"/portfolio/\d+/edit/$"))

        body = page.get_by_label("Your reflection")
        if heading:
            assert f"## {heading}" in body.input_value()
        else:
            assert body.input_value() == ""
        body.press("Control+End")
        page.keyboard.insert_text(f"\n\nDoing task {n} I *noticed* how {task.title.lower()} felt.")
        page.get_by_label("CPD time (minutes)").fill("20")
        if first_time:
            # the live preview renders the Markdown, with the structure's headings
            page.locator("#reflection-preview em", has_text="noticed").wait_for()
            if heading:
                assert page.locator("#reflection-preview h2", has_text=heading).count() == 1
            # and the draft saves itself a moment after typing stops
            page.get_by_text(re.compile(r"Draft saved at .* \(version \d+\)")).wait_for()
            axe(page)
        if n in SUBMIT_FOR_REVIEW:
            page.get_by_role("button", name="Save and submit for review").click()
            page.wait_for_url(re.compile(r"/portfolio/\d+/$"))
            page.get_by_text("submitted for review").first.wait_for()
            if n == min(SUBMIT_FOR_REVIEW):
                axe(page)
        else:
            page.get_by_role("button", name="Save draft").click()
            page.get_by_text(re.compile(r"Draft saved \(version \d+\)")).wait_for()

    assert TaskCompletion.objects.filter(user=trainee).count() == 12
    reflections = list(Reflection.objects.filter(author=trainee).select_related("template"))
    assert sorted(r.title for r in reflections) == [_title(n) for n in range(1, 13)]
    assert {r.task_id for r in reflections} == {t.pk for t in tasks}
    assert sorted(r.template.slug for r in reflections) == sorted(
        slug for _, _, slug in STRUCTURES * 4
    )
    assert all(f"Doing task {int(r.title[5:7])} I *noticed*" in r.body for r in reflections)
    assert sorted(r.status for r in reflections) == ["draft"] * 10 + ["submitted"] * 2
    assert all(r.cpd_minutes == 20 for r in reflections)

    # the last task's lightbulb now lists its reflection
    page.goto(base + tasks[-1].get_absolute_url())
    lightbulb = page.get_by_role("complementary").filter(has_text="Reflect on this task")
    assert lightbulb.get_by_role("link", name=_title(12)).is_visible()
    assert page.locator("#task-done-panel").get_by_text("Module complete on").is_visible()

    # --- 100% and the module complete, with its date -----------------------------------
    completed_at = Enrolment.objects.get(user=trainee).completed_at
    assert completed_at is not None
    on = dateformat.format(timezone.localtime(completed_at), "j F Y")
    page.locator("#task-done-panel").get_by_role("link", name="See your dashboard").click()
    page.wait_for_url(f"{base}/dashboard/")
    card = page.locator(".dashboard-module")
    assert "12 of 12 tasks done" in card.inner_text()
    assert card.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    assert f"Module complete on {on}." in card.inner_text()
    assert "Next task" not in card.inner_text()
    axe(page)
    page.goto(base + MODULE)
    panel = page.locator(".enrolment-panel")
    assert f"Module complete: you finished every task on {on}." in panel.inner_text()
    assert "12 of 12 tasks done" in panel.inner_text()
    assert panel.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    axe(page)

    # --- the portfolio and its three downloads ----------------------------------------
    # (no "Portfolio" in the header menu: the account page links to it)
    follow(page.get_by_role("link", name="(your account)"))
    follow(page.get_by_role("link", name="Your portfolio of reflections"))
    page.wait_for_url(f"{base}/portfolio/")
    assert "Total CPD time: 4 h" in page.content()  # 12 x 20 minutes
    assert "across 12 reflections" in page.content()
    for n in range(1, 13):
        assert page.get_by_role("link", name=_title(n)).count() == 1
    axe(page)
    downloads = page.get_by_role("region", name="Download the whole portfolio")
    files = {}
    for label in ["PDF", "HTML", "Markdown (zip)"]:
        with page.expect_download() as info:
            downloads.get_by_role("link", name=re.compile("^" + re.escape(label))).click()
        download = info.value
        with open(download.path(), "rb") as f:
            files[label] = (download.suggested_filename, f.read())
    titles = [_title(n) for n in range(1, 13)]

    name, data = files["PDF"]
    assert name.endswith(".pdf") and data.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    missing = [title for title in titles if title not in text]
    assert not missing, f"not in the PDF: {missing}"
    assert NAME in text

    name, data = files["HTML"]
    assert name.endswith(".html")
    html = data.decode()
    assert "<script" not in html.lower()
    assert all(title in html for title in titles)
    assert NAME in html

    name, data = files["Markdown (zip)"]
    assert name.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    pieces = [n for n in names if n.endswith(".md") and not n.endswith("/index.md")]
    assert len(pieces) == 12, names
    assert len(names) == 13 and sum(n.endswith("/index.md") for n in names) == 1, names
    texts = "\n".join(archive.read(n).decode() for n in pieces)
    assert all(title in texts for title in titles)
