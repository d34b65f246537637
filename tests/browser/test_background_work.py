"""Issue 9's "Done when", in a browser, with a real job worker (`manage.py db_worker` as
a process of its own, console email backend, on the live server's database).

- Ada chooses to have debate replies emailed at once; Bo replies to her argument; her
  bell goes from none to one, and the worker's output holds the email to her.
- Ada exports her 200 reflections as PDF: the worker lays them out while the page's
  progress bar (htmx) counts them; she downloads the file; Bo gets 404 for it.
"""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from debates import services as debates
from modules.services import enrolment_create
from reflections.models import ExportJob
from reflections.services import reflection_create
from tests.browser.conftest import follow
from tests.conftest import PASSWORD
from topics.models import Motion


@pytest.fixture
def person(browser):
    """``person(base, user)``: a page signed in as ``user`` in a context of its own, closed
    at the end (an open context keeps the live server's threads, and their database
    connections, alive)."""
    contexts = []

    def open_as(base, user):
        page = _person(browser, base, user)
        contexts.append(page.context)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _person(browser, base, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").first.fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign In"))
    assert "/accounts/login/" not in page.url
    return page


def test_a_reply_raises_the_bell_and_the_worker_emails_it(
    live_server, person, axe, content, make_user, worker_process
):
    base = live_server.url
    ada, bo = make_user(name="Ada Author"), make_user(name="Bo Replier")
    for user in (ada, bo):
        enrolment_create(user=user, module=content, prerequisites_confirmed=True)
    motion = Motion.objects.get(task__topic__module=content, task__topic__number=1)
    for user in (ada, bo):
        debates.stance_record(user=user, motion=motion, phase="before", position="for",
                              confidence=3)  # fmt: skip
    debates.argument_create(author=ada, motion=motion, side="for",
                            text="Reflective listening lets me tailor it.")  # fmt: skip
    worker = worker_process("worker-bell")
    worker.wait_for("Starting worker")

    a = person(base, ada)
    a.goto(base + reverse("notifications:preferences"))
    axe(a)
    a.locator("#div_id_kind_debate_reply").get_by_label("Email me at once").check()
    follow(a.get_by_role("button", name="Save my choices"))
    assert a.get_by_text("Your email choices are saved.").is_visible()
    a.goto(base + "/dashboard/")
    bell = a.locator("#notification-bell")
    assert bell.get_by_text("Notifications, none unread").count() == 1

    b = person(base, bo)
    b.goto(base + reverse("debates:detail", args=[content.slug, 1]))
    thread = b.locator("li.argument-thread", has_text="lets me tailor it")
    thread.locator("summary", has_text="Reply").click()
    reply_form = thread.locator("form[action*='/reply/']")
    reply_form.get_by_label("Your reply").fill("Groups let people hear peers who changed.")
    follow(reply_form.get_by_role("button", name="Post reply"))

    a.reload()
    assert bell.locator("[data-unread]").inner_text().startswith("1")
    assert " ".join(bell.inner_text().split()).endswith("1 unread notification")
    follow(bell)
    notice = a.locator("main").get_by_text("Bo Replier replied to your argument").first
    assert notice.is_visible()
    axe(a)

    out = worker.wait_for(f"To: {ada.email}", timeout=90)
    assert "Subject: [Training portal] Bo Replier replied to your argument" in out
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in out
    assert "Content-Type: text/html" in out


def test_two_hundred_reflections_export_in_the_background(
    live_server, person, axe, content, make_user, worker_process
):
    base = live_server.url
    ada, bo = make_user(name="Ada Exporter"), make_user(name="Bo Other")
    for i in range(200):
        reflection_create(
            author=ada, module=content, title=f"Reflection number {i + 1}",
            body=f"## What happened\n\nSession {i + 1}: *open questions*.",
        )  # fmt: skip
    a = person(base, ada)
    a.goto(base + reverse("reflections:portfolio"))
    assert a.get_by_text("With 200 reflections the PDF is laid out in the background").is_visible()
    follow(a.get_by_role("button", name="PDF of the whole portfolio, made in the background"))
    job = ExportJob.objects.get(owner=ada)
    assert a.url == base + job.get_absolute_url()
    assert a.get_by_role("heading", name="Your portfolio PDF").is_visible()
    axe(a)

    # The page polls (htmx) and the bar counts the reflections as the worker lays them out.
    # ReportLab lays 200 out in about two seconds, quicker than the page polls, so the
    # worker's count is set here as a worker part way through would leave it (its steps
    # are counted in tests/reflections/test_export_jobs.py); then the real worker starts.
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, done=40)
    progress = a.locator(".export-job .progress-text")
    a.wait_for_function(
        """() => {
            const text = document.querySelector('.export-job .progress-text')?.textContent || '';
            const m = text.match(/(\\d+) of 200 reflections laid out/);
            return m && +m[1] > 0 && +m[1] < 200;
        }""",
        timeout=180_000,
    )
    seen = re.search(r"(\d+) of 200 reflections laid out", progress.inner_text())
    assert 0 < int(seen.group(1)) < 200
    bar = a.locator(".export-job [role=progressbar]")
    assert 0 < int(bar.get_attribute("aria-valuenow")) < 100
    axe(a)
    worker = worker_process("worker-export")
    worker.wait_for("Starting worker")

    download_link = a.get_by_role("link", name=re.compile(r"Download portfolio-.*\.pdf"))
    download_link.wait_for(timeout=300_000)
    assert "200 of 200 reflections laid out" in a.locator(".export-job").inner_text()
    axe(a)
    with a.expect_download() as info:
        download_link.click()
    data = open(info.value.path(), "rb").read()  # noqa: SIM115
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 201  # the contents, then a page or more per reflection
    last = reader.pages[-1].extract_text()
    assert "Reflection number 200" in last or "Reflection number 200" in " ".join(
        p.extract_text() for p in reader.pages[-3:]
    )

    # Bo gets 404 for Ada's export, its page and its file.
    b = person(base, bo)
    for path in (job.get_absolute_url(), reverse("reflections:export_download", args=[job.pk])):
        response = b.goto(base + path)
        assert response.status == 404, path
