"""A trainee writes reflections from the lightbulb, with each structure; autosave, a cut
network, two tabs, the keyboard alone, the portfolio's downloads and "my data".
axe-core runs on every new page."""

import io
import json
import re
import zipfile

import pytest
from pypdf import PdfReader

from reflections.models import Reflection, ReflectionTemplate
from reflections.services import reflection_create
from reflections.structures import seed_structures
from tests.browser.conftest import follow
from tests.conftest import PASSWORD
from topics.models import Task


@pytest.fixture
def structures(transactional_db):
    seed_structures(ReflectionTemplate)


def _task(content, topic, position):
    return Task.objects.select_related("topic__module").get(
        topic__module=content, topic__number=topic, position=position
    )


def _editor_body(page):
    return page.get_by_label("Your reflection")


def test_a_reflection_with_each_structure_from_the_lightbulb(
    live_server, page, axe, content, trainee, structures, sign_in
):
    base = live_server.url
    sign_in(page, trainee.email, PASSWORD)
    cases = [
        (_task(content, 1, 1), "Free text", None),
        (_task(content, 2, 2), "Gibbs' reflective cycle", "Feelings"),
        (_task(content, 3, 3), "What? So what? Now what?", "So what?"),
    ]
    for number, (task, structure, heading) in enumerate(cases, 1):
        page.goto(base + task.get_absolute_url())
        lightbulb = page.get_by_role("complementary").filter(has_text="Reflect on this task")
        lightbulb.get_by_role("link", name="Write a reflection").click()
        page.wait_for_url(re.compile(r"/portfolio/new/\?task="))
        if number == 1:
            axe(page)
        page.get_by_label(re.compile(re.escape(structure))).check()
        page.get_by_label("Title").fill(f"Reflection {number}")
        page.get_by_role("button", name="Start writing").click()
        page.wait_for_url(re.compile(r"/portfolio/\d+/edit/$"))
        body = _editor_body(page)
        if heading:
            assert f"## {heading}" in body.input_value()
            # the headings are in the live preview from the start
            assert page.locator("#reflection-preview h2", has_text=heading).count() == 1
        assert task.reflection_prompt.splitlines()[0][:30] in page.locator("aside").inner_text()
        body.press("Control+End")
        body.type(f"\n\nI **learnt** something in task {number}.")
        # live preview (htmx) renders the Markdown while typing
        page.locator("#reflection-preview strong", has_text="learnt").wait_for()
        page.get_by_label("CPD time (minutes)").fill(str(30 * number))
        # autosave (htmx) a moment after typing stops; the version moves on
        page.get_by_text(re.compile(r"Draft saved at .* \(version \d+\)")).wait_for()
        if number == 1:
            axe(page)
        reflection = Reflection.objects.get(author=trainee, task=task)
        assert f"I **learnt** something in task {number}." in reflection.body
        assert reflection.cpd_minutes == 30 * number
        assert page.locator("#id_version").get_attribute("value") == str(reflection.version)
        if number == 3:
            page.get_by_role("button", name="Save and submit for review").click()
            page.wait_for_url(re.compile(r"/portfolio/\d+/$"))
            assert "submitted for review" in page.content()
            axe(page)
        else:
            page.get_by_role("button", name="Save draft").click()
            page.get_by_text(re.compile(r"Draft saved \(version \d+\)")).wait_for()
    statuses = dict(Reflection.objects.values_list("title", "status"))
    assert statuses == {
        "Reflection 1": "draft",
        "Reflection 2": "draft",
        "Reflection 3": "submitted",
    }
    # back on the task page, the lightbulb lists the reflection
    page.goto(base + cases[0][0].get_absolute_url())
    axe(page)
    page.get_by_role("link", name="Reflection 1").click()
    page.wait_for_url(re.compile(r"/edit/$"))
    # history, with a restore
    follow(page.get_by_role("link", name="History of saved versions"))
    axe(page)
    page.get_by_role("button", name="Restore version 1").click()
    page.get_by_text(re.compile(r"Version 1 is restored as version \d+")).wait_for()
    page.goto(base + "/portfolio/")
    assert "Total CPD time: 2 h 30 min" in page.content()  # version 1 had no CPD time
    axe(page)


def test_text_typed_while_the_network_fails_survives_a_reload(
    live_server, page, axe, content, trainee, structures, sign_in
):
    reflection = reflection_create(
        author=trainee, title="Offline", task=_task(content, 1, 1), body="Saved start."
    )
    sign_in(page, trainee.email, PASSWORD)
    page.goto(f"{live_server.url}/portfolio/{reflection.pk}/edit/")
    page.route("**/autosave/", lambda route: route.abort())
    body = _editor_body(page)
    body.press("Control+End")
    body.type(" Words typed with no connection.")
    page.get_by_text(re.compile("Not saved: no connection")).wait_for()
    assert Reflection.objects.get(pk=reflection.pk).body == "Saved start."
    axe(page)

    page.reload()  # still offline: the text comes back from this device
    assert _editor_body(page).input_value() == "Saved start. Words typed with no connection."
    page.get_by_text(re.compile("had not reached the portal")).wait_for()
    axe(page)

    page.unroute("**/autosave/")
    page.reload()  # back online: restored again, and now saved
    page.get_by_text(re.compile(r"Draft saved at")).wait_for()
    reflection.refresh_from_db()
    assert reflection.body == "Saved start. Words typed with no connection."
    # Once saved, the copy on this device is gone and a reload shows no notice.
    page.reload()
    assert page.get_by_text("had not reached the portal").count() == 0
    assert _editor_body(page).input_value() == "Saved start. Words typed with no connection."


def test_two_tabs_cannot_overwrite_each_other(
    live_server, context, axe, content, trainee, structures, sign_in
):
    reflection = reflection_create(author=trainee, title="Two tabs", body="Start.")
    first, second = context.new_page(), context.new_page()
    sign_in(first, trainee.email, PASSWORD)
    url = f"{live_server.url}/portfolio/{reflection.pk}/edit/"
    first.goto(url)
    second.goto(url)
    _editor_body(first).fill("Tab one's text.")
    first.get_by_role("button", name="Save draft").click()
    # On a busy machine tab one's autosave may land before the click: then the save is 3.
    saved = first.get_by_text(re.compile(r"Draft saved \(version \d+\)"))
    saved.wait_for()
    version = int(re.search(r"version (\d+)", saved.inner_text()).group(1))
    _editor_body(second).fill("Tab two's text.")
    second.get_by_text(re.compile("changed in another tab or window")).wait_for()  # autosave
    second.get_by_role("button", name="Save draft").click()
    second.get_by_role("heading", name="Your changes were not saved").wait_for()
    axe(second)
    assert _editor_body(second).input_value() == "Tab two's text."
    assert Reflection.objects.get(pk=reflection.pk).body == "Tab one's text."
    second.get_by_role("button", name="Save draft").click()  # deliberately keep tab two's
    second.get_by_text(re.compile(rf"Draft saved \(version {version + 1}\)")).wait_for()
    assert Reflection.objects.get(pk=reflection.pk).body == "Tab two's text."
    latest = Reflection.objects.get(pk=reflection.pk).versions.order_by("-number").first()
    assert latest.body == "Tab two's text."  # kept in the history too


def _tab_to(page, predicate: str, limit: int = 120):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"Could not reach {predicate} with Tab")


def test_keyboard_alone_writes_a_reflection(
    live_server, page, content, trainee, structures, sign_in
):
    task = _task(content, 1, 2)
    sign_in(page, trainee.email, PASSWORD)
    page.goto(live_server.url + task.get_absolute_url())
    _tab_to(page, "el.textContent.includes('Write a reflection')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/portfolio/new/"))
    _tab_to(page, "el.name === 'title'")
    page.keyboard.press("Control+A")
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Tab")  # into the structures: arrows choose
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.labels[0].textContent").strip().startswith("Gibbs")
    _tab_to(page, "el.value === 'Start writing'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/edit/$"))
    _tab_to(page, "el.name === 'body'")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\nOnly the keyboard.")
    page.keyboard.press("Tab")
    page.keyboard.type("25")
    _tab_to(page, "el.textContent.trim() === 'Save draft'")
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"Draft saved \(version \d+\)")).wait_for()
    reflection = Reflection.objects.get(author=trainee, title="Typed without a mouse")
    assert reflection.body.endswith("Only the keyboard.")
    assert "## Description" in reflection.body
    assert reflection.cpd_minutes == 25


def test_portfolio_downloads_and_print(
    live_server, page, axe, content, trainee, structures, sign_in
):
    tasks = list(Task.objects.filter(topic__module=content).select_related("topic__module"))
    for i, task in enumerate(tasks[:3], 1):
        reflection_create(author=trainee, title=f"Portfolio piece {i}", task=task, body=f"Body {i}")
    reflection_create(author=trainee, title="Portfolio piece free", body="Free body")
    sign_in(page, trainee.email, PASSWORD)
    page.goto(live_server.url + "/portfolio/")
    axe(page)
    follow(page.get_by_role("link", name="Portfolio piece free"))
    axe(page)  # a draft's page: edit, submit, history, delete
    follow(page.get_by_role("link", name="Delete draft"))
    axe(page)
    follow(page.get_by_role("link", name="Keep it"))
    page.goto(live_server.url + "/portfolio/")
    follow(page.get_by_role("link", name="New free reflection"))
    page.get_by_label("Module (optional)").select_option(label=content.title)
    axe(page)
    page.goto(live_server.url + "/portfolio/")
    downloads = page.get_by_role("region", name="Download the whole portfolio")
    files = {}
    for label in ["PDF", "HTML", "Markdown (zip)"]:
        with page.expect_download() as info:
            downloads.get_by_role("link", name=re.compile("^" + re.escape(label))).click()
        download = info.value
        files[label] = (download.suggested_filename, open(download.path(), "rb").read())
    titles = [f"Portfolio piece {i}" for i in (1, 2, 3)] + ["Portfolio piece free"]
    name, data = files["PDF"]
    assert name.endswith(".pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert all(title in text for title in titles)
    name, data = files["HTML"]
    assert name.endswith(".html") and b"<script" not in data
    assert all(title.encode() in data for title in titles)
    name, data = files["Markdown (zip)"]
    assert name.endswith(".zip")
    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 5

    # the status filter
    page.get_by_label("Show", exact=True).select_option("submitted")
    follow(page.get_by_role("button", name="Filter"))
    page.get_by_text("No reflections have this status.").wait_for()
    axe(page)
    # the print stylesheet: no menus or buttons, each reflection in full
    page.goto(live_server.url + "/portfolio/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("link", name=re.compile("^PDF")).first.is_visible()
    assert page.get_by_text("Free body").is_visible()
    page.emulate_media(media="screen")
    assert not page.get_by_text("Free body").is_visible()


def test_my_data_and_account_deletion(live_server, page, axe, content, trainee, sign_in):
    reflection_create(author=trainee, title="Mine to take away", body="Text")
    sign_in(page, trainee.email, PASSWORD)
    page.goto(live_server.url + "/accounts/profile/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download my data (JSON)").click()
    data = json.loads(open(info.value.path()).read())
    assert data["profile"]["email"] == trainee.email
    assert data["reflections"][0]["title"] == "Mine to take away"
    follow(page.get_by_role("link", name="Delete my account"))
    axe(page)
    page.get_by_label("Your current password").fill("wrong password")
    page.get_by_role("button", name="Delete my account and all my data").click()
    page.get_by_text("That is not your current password.").wait_for()
    axe(page)
    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and all my data").click()
    page.wait_for_url(live_server.url + "/")
    page.get_by_text("Your account and all your data have been deleted.").wait_for()
    assert not Reflection.objects.filter(title="Mine to take away").exists()
    assert page.get_by_role("link", name="Sign in").first.is_visible()
