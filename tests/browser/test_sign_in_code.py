"""An owner whose account others locked by guessing passwords gets in by an emailed code."""

import re
from urllib.parse import urlsplit

from django.core import mail
from django.test import Client

from tests.browser.conftest import follow
from tests.conftest import PASSWORD


def test_locked_out_owner_signs_in_with_an_emailed_code(live_server, page, axe, trainee, run_jobs):
    # Someone who knows the address guesses (allauth keys the lock by host and email).
    guesser = Client(HTTP_HOST=urlsplit(live_server.url).netloc)
    for _ in range(5):
        guesser.post("/accounts/login/", {"login": trainee.email, "password": "guess"})

    page.goto(f"{live_server.url}/accounts/login/?next=/portfolio/")
    axe(page)
    page.get_by_label("Email").fill(trainee.email)
    page.get_by_label("Password").first.fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign In"))
    locked = page.locator("#account-locked")
    assert locked.get_by_role("heading", name="Passwords are paused for this account").is_visible()
    axe(page)

    follow(locked.get_by_role("button", name="Email me a sign-in code"))
    page.wait_for_url(re.compile(r".*/accounts/login/code/confirm/"))
    assert page.get_by_role("heading", name="Enter your sign-in code").is_visible()
    assert trainee.email in page.locator("main").inner_text()
    axe(page)
    run_jobs()  # the worker sends the code
    code = re.search(r"^\s*([A-Z0-9][A-Z0-9-]{5,11})\s*$", mail.outbox[-1].body, re.M).group(1)
    assert mail.outbox[-1].to == [trainee.email]

    page.get_by_label("Code").fill("WRONG-ONE")
    follow(page.get_by_role("button", name="Sign in"))
    assert page.locator(".invalid-feedback, .is-invalid").first.is_visible()
    axe(page)
    page.get_by_label("Code").fill(code)
    follow(page.get_by_role("button", name="Sign in"))
    page.wait_for_url(re.compile(r".*/portfolio/$"))
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_request_a_code_page_by_keyboard(live_server, page, axe, trainee, run_jobs):
    page.goto(f"{live_server.url}/accounts/login/")
    follow(page.get_by_role("link", name="Email me a sign-in code"))
    page.wait_for_url(re.compile(r".*/accounts/login/code/$"))
    assert page.get_by_role("heading", name="Sign in with a code").is_visible()
    axe(page)
    page.get_by_label("Email").fill(trainee.email)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/accounts/login/code/confirm/"))
    run_jobs()
    assert len(mail.outbox) == 1
