"""Tutors at work, in the browser: the issue's journey from submission to a verified
certificate; reviewing with the keyboard alone; axe-core on every new page."""

import io
import re

import pytest
from pypdf import PdfReader

from modules.models import LearningOutcome, Module
from modules.services import enrolment_create
from reflections.models import Certificate, Reflection, ReflectionTemplate
from reflections.services import reflection_create, reflection_submit
from reflections.structures import seed_structures
from tests.browser.conftest import CHROMIUM_ARGS, follow  # noqa: F401
from tests.conftest import PASSWORD
from topics.models import Task
from topics.services import task_mark_done


@pytest.fixture
def structures(transactional_db):
    seed_structures(ReflectionTemplate)


@pytest.fixture
def tutor_page(browser):
    """A second browser, for the tutor, beside the trainee's."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the tutor's page: {errors}"


def _task(content, topic, position):
    return Task.objects.select_related("topic__module").get(
        topic__module=content, topic__number=topic, position=position
    )


def test_submit_review_revise_resubmit_review_and_a_verified_certificate(
    live_server, page, tutor_page, browser, axe, content, trainee, other_trainee, tutor,
    structures, sign_in,
):  # fmt: skip
    base = live_server.url
    # This journey is about review; one reviewed reflection is its evidence, so the module
    # asks for tasks done only (the evidence rules: tests/browser/test_certificate.py).
    Module.objects.filter(pk=content.pk).update(
        require_reviewed_reflections=False, require_outcome_evidence=False
    )
    enrolment_create(user=trainee, module=content)
    task = _task(content, 1, 1)
    mine = reflection_create(
        author=trainee, title="What open questions did", task=task,
        body="I asked open questions.\nThe client talked about their week.",
    )  # fmt: skip
    # The trainee submits it.
    sign_in(page, trainee.email, PASSWORD)
    page.goto(base + mine.get_absolute_url())
    follow(page.get_by_role("button", name="Submit for review"))
    assert "submitted for review" in page.content()
    # Someone else submits later: the trainee's is the oldest, at the top of the queue.
    later = reflection_create(author=other_trainee, title="A later one", task=task, body="x")
    reflection_submit(reflection=later, by=other_trainee)

    # The tutor finds it at the top of the queue, claims it and asks for a revision.
    sign_in(tutor_page, tutor.email, PASSWORD)
    tutor_page.goto(base + "/dashboard/")
    header = tutor_page.get_by_role("navigation", name="Main")
    assert re.search(r"Review\s+2\s+reflections waiting", header.inner_text())
    follow(header.get_by_role("link", name=re.compile("Review")))
    axe(tutor_page)
    rows = tutor_page.locator("table.review-queue tbody tr")
    assert "What open questions did" in rows.first.inner_text()
    follow(rows.first.get_by_role("link", name="What open questions did"))
    axe(tutor_page)
    follow(tutor_page.get_by_role("button", name="I'm reviewing this"))
    assert "You claimed this reflection" in tutor_page.content()
    feedback = tutor_page.get_by_label("Your feedback")
    feedback.fill("Good start. **Say more** about what the client said in reply.")
    tutor_page.locator("details summary", has_text="Preview").click()
    tutor_page.locator("#feedback-preview strong", has_text="Say more").wait_for()  # live preview
    tutor_page.get_by_label("Revision requested: return it").check()
    axe(tutor_page)
    follow(tutor_page.get_by_role("button", name="Send feedback"))
    assert "Your feedback is sent" in tutor_page.content()

    # The trainee sees the notice, revises and resubmits.
    page.goto(base + "/dashboard/")
    assert "1" in page.locator("#notification-bell").inner_text()
    follow(page.locator("#notification-bell"))
    assert "asked you to revise" in page.content()
    follow(page.get_by_role("button", name=re.compile("^Open")))
    assert "Your tutor asked you to revise this reflection" in page.content()
    assert "Say more" in page.locator("#feedback-section").inner_text()
    axe(page)
    follow(page.get_by_role("link", name="Edit"))
    assert "What your tutor asked" in page.content()
    axe(page)
    body = page.get_by_label("Your reflection")
    body.fill(
        "I asked open questions.\nThe client talked about their week.\n"
        "They said the questions let them think aloud."
    )
    follow(page.get_by_role("button", name="Save and resubmit for review"))
    mine.refresh_from_db()
    assert mine.status == "submitted"

    # The tutor reads the diff and marks it reviewed, linking two outcomes.
    tutor_page.goto(base + "/review/?state=resubmitted")
    follow(tutor_page.get_by_role("link", name="What open questions did"))
    diff = tutor_page.locator(".version-diff")
    assert re.search(r"Added:\s*They said the questions let them think aloud.", diff.inner_text())
    axe(tutor_page)
    outcomes = list(LearningOutcome.objects.filter(module=content).order_by("position")[:2])
    for outcome in outcomes:
        tutor_page.get_by_label(f"{outcome.position}. {outcome.text}").check()
    tutor_page.get_by_label("Reviewed: the reflection is complete").check()
    tutor_page.get_by_label("Your feedback").fill("Much richer. Well done.")
    follow(tutor_page.get_by_role("button", name="Send feedback"))
    mine.refresh_from_db()
    assert mine.status == "reviewed"
    assert set(mine.feedback.last().outcomes.all()) == set(outcomes)

    # The trainee finishes the module (the last task by the button) and downloads the record.
    tasks = list(Task.objects.in_module(content).select_related("topic__module"))
    for done in tasks[:-1]:
        task_mark_done(user=trainee, task=done)
    page.goto(base + tasks[-1].get_absolute_url())
    page.locator("#task-done-button").click()  # htmx swaps the panel in place
    page.get_by_text("you marked this task done").wait_for()
    page.goto(base + "/portfolio/")
    page.locator("summary", has_text="Learning outcomes and your evidence").click()
    assert page.get_by_role("link", name="What open questions did").first.is_visible()
    axe(page)
    page.goto(base + "/dashboard/")
    assert "can be made now" in page.locator(".certificate-notice").inner_text()
    follow(page.locator(".certificate-line a").first)
    axe(page)
    follow(page.get_by_role("button", name="Make my certificate"))
    axe(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    pdf = download_info.value.path().read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert trainee.get_full_name() in text and content.title in text
    certificate = Certificate.objects.get(user=trainee)
    url = page.locator("#verification-url").get_attribute("href")
    assert url.endswith(f"/verify/{certificate.code}/")

    # Signed out, the verification URL works.
    visitor = browser.new_context(bypass_csp=True)
    public = visitor.new_page()
    public.goto(url)
    assert "Certificate verified" in public.content()
    assert trainee.get_full_name() in public.content()
    axe(public)
    visitor.close()
    assert Reflection.objects.get(pk=mine.pk).feedback.count() == 2


def _tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector`` (the keyboard alone)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_tutor_reviews_with_the_keyboard_alone(
    live_server, page, axe, content, trainee, tutor, structures, sign_in
):
    reflection = reflection_create(
        author=trainee, title="Keyboard review", task=_task(content, 1, 2), body="Text."
    )
    reflection_submit(reflection=reflection, by=trainee)
    sign_in(page, tutor.email, PASSWORD)
    page.goto(live_server.url + "/review/")
    _tab_to(page, "table.review-queue a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "form[action$='/claim/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "You claimed this reflection" in page.content()
    _tab_to(page, "#id_text")
    page.keyboard.type("Clear and honest. Next time, link it to the reading.")
    _tab_to(page, "input[name='outcomes']")
    page.keyboard.press("Space")
    _tab_to(page, "input[name='decision']")
    page.keyboard.press("Space")  # the first choice: reviewed
    _tab_to(page, "button[value='send']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    reflection.refresh_from_db()
    assert reflection.status == "reviewed"
    feedback = reflection.feedback.get()
    assert feedback.text.startswith("Clear and honest") and feedback.outcomes.count() == 1
    axe(page)


def test_cohort_table_and_an_overdue_queue_pass_axe(
    live_server, page, axe, content, trainee, tutor, structures, sign_in
):
    from tests.factories import grow_cohort

    grow_cohort(content, trainees=8)
    sign_in(page, tutor.email, PASSWORD)
    page.goto(live_server.url + f"/review/cohort/{content.slug}/?sort=-progress")
    assert "8 trainees" in page.content()
    axe(page)
    page.goto(live_server.url + "/review/?state=reviewed")
    axe(page)
