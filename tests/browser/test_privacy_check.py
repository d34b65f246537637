"""The privacy check in the browser: a trainee submits a reflection that names a client,
sees what was found and where, goes back and edits, then submits; and "Submit anyway"."""

import re

import pytest

from reflections.models import Reflection, ReflectionTemplate
from reflections.services import reflection_create
from reflections.structures import seed_structures
from tests.browser.conftest import follow
from tests.conftest import PASSWORD


@pytest.fixture
def structures(transactional_db):
    seed_structures(ReflectionTemplate)


def test_the_check_shows_what_may_identify_someone_then_lets_the_trainee_choose(
    live_server, page, axe, trainee, content, structures, sign_in
):
    # About a module: only then has it tutors to submit to.
    reflection = reflection_create(
        author=trainee, title="After the group", body="We met on 12 March 2024.", cpd_minutes=0,
        module=content,
    )  # fmt: skip
    sign_in(page, trainee.email, PASSWORD)
    page.goto(f"{live_server.url}/portfolio/{reflection.pk}/edit/")
    body = page.get_by_label("Your reflection")
    body.fill(
        "## What happened\n\nMy client John Smith told me his NHS number, 943 476 5919, "
        "and his postcode, LS1 4DY.\n\nClient-centred work takes time."
    )
    follow(page.get_by_role("button", name="Save and submit for review"))
    page.wait_for_url(re.compile(rf"/portfolio/{reflection.pk}/submit/check/$"))
    assert page.get_by_role("heading", name="Check before you submit").is_visible()
    assert page.get_by_text("Your draft is saved (version 2).").is_visible()
    findings = page.locator(".privacy-finding")
    assert findings.count() == 3
    assert findings.locator("mark").all_inner_texts() == ["John Smith", "943 476 5919", "LS1 4DY"]
    assert findings.locator(".privacy-label").all_inner_texts() == [
        "Name",
        "NHS number",
        "Postcode",
    ]
    assert "line 3" in findings.first.inner_text()
    axe(page)
    assert Reflection.objects.get(pk=reflection.pk).status == "draft"

    # Go back and edit: the text is there as saved; take the identifiers out.
    follow(page.get_by_role("link", name="Go back and edit"))
    body = page.get_by_label("Your reflection")
    assert "John Smith" in body.input_value()
    body.fill(
        "## What happened\n\nA client in his fifties told me about his week.\n\n"
        "Client-centred work takes time."
    )
    follow(page.get_by_role("button", name="Save and submit for review"))
    page.wait_for_url(re.compile(rf"/portfolio/{reflection.pk}/$"))
    assert page.get_by_text("saved and submitted for review").is_visible()
    assert Reflection.objects.get(pk=reflection.pk).status == "submitted"


def test_submit_anyway_from_the_reflection_page(
    live_server, page, axe, trainee, content, structures, sign_in
):
    reflection = reflection_create(
        author=trainee,
        module=content,
        title="Supervision",
        body="My supervisor, Mrs Okafor, suggested I write to jo@example.org.",
        cpd_minutes=0,
    )
    sign_in(page, trainee.email, PASSWORD)
    page.goto(f"{live_server.url}/portfolio/{reflection.pk}/")
    follow(page.get_by_role("button", name="Submit for review"))
    page.wait_for_url(re.compile(r"/submit/check/$"))
    assert page.locator(".privacy-finding mark").all_inner_texts() == ["Okafor", "jo@example.org"]
    axe(page)
    follow(page.get_by_role("button", name="Submit anyway"))
    page.wait_for_url(re.compile(rf"/portfolio/{reflection.pk}/$"))
    assert page.get_by_text("submitted for review by your tutors").is_visible()
    assert Reflection.objects.get(pk=reflection.pk).status == "submitted"


def test_the_check_on_a_phone(live_server, browser, trainee, content, structures):
    reflection = reflection_create(
        author=trainee,
        module=content,
        title="A long line",
        body="word " * 40 + "my client Johnathan Fitzgerald-Smythe rang 0113 496 0000 " + "x" * 80,
        cpd_minutes=0,
    )
    context = browser.new_context(viewport={"width": 390, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(trainee.email)
    page.get_by_label("Password").first.fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign In"))
    page.goto(f"{live_server.url}/portfolio/{reflection.pk}/submit/check/")
    assert page.locator(".privacy-finding").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
