"""A new trainee signs up, verifies, signs in and reads the module; axe on every page."""

import re

from django.core import mail

from tests.browser.conftest import follow
from tests.conftest import PASSWORD
from topics.models import Task


def test_sign_up_verify_sign_in_and_read_the_module(
    live_server, page, axe, content, sign_in, run_jobs
):
    base = live_server.url
    page.goto(base + "/")
    axe(page)
    follow(page.get_by_role("link", name="Psycho-social interventions").first)
    assert page.url == f"{base}/modules/psycho-social-interventions/"
    axe(page)

    follow(page.get_by_role("link", name="Sign up").first)
    axe(page)
    page.get_by_label("Email").fill("sam.new@example.org")
    page.get_by_label("Full name").fill("Sam New")
    page.get_by_label("Password").first.fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign Up"))
    page.wait_for_url(re.compile(r".*/accounts/confirm-email/$"))
    assert "Verify Your Email Address" in page.content()
    axe(page)

    run_jobs()  # the worker sends the verification mail
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    page.goto(base + link.group(1))
    axe(page)
    follow(page.get_by_role("button", name="Confirm"))

    sign_in(page, "sam.new@example.org", PASSWORD)
    axe(page)
    page.goto(base + content.get_absolute_url())
    follow(page.get_by_role("link", name="Topic One - Motivational interviewing"))
    page.wait_for_url(f"{base}/modules/psycho-social-interventions/topics/1/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Topic One")
    axe(page)
    follow(page.get_by_role("link", name=re.compile("First task")))
    assert "Explore the resources" in page.get_by_role("heading", level=1).inner_text()
    axe(page)

    # every topic and task of the module opens for the new trainee
    for task in Task.objects.filter(topic__module=content).select_related("topic__module"):
        response = page.goto(base + task.get_absolute_url())
        assert response.status == 200
        assert task.title in page.get_by_role("heading", level=1).inner_text()
    axe(page)


def test_narrow_screen_menu_and_account(live_server, browser, content, trainee, axe):
    context = browser.new_context(viewport={"width": 375, "height": 740}, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Show or hide the menu").click()
    follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in"))
    page.get_by_label("Email").fill(trainee.email)
    page.get_by_label("Password").first.fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign In"))
    page.goto(live_server.url + "/accounts/profile/")
    axe(page)
    # nothing overflows sideways on a phone
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    page.goto(live_server.url + content.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_admin_edits_task_and_trainee_sees_it(live_server, page, content, admin_user, sign_in):
    task = Task.objects.get(topic__module=content, topic__number=3, position=3)
    sign_in(page, admin_user.email, PASSWORD)
    page.goto(f"{live_server.url}/admin/topics/task/{task.pk}/change/")
    page.get_by_label("Instructions:").fill("Meet your group **before** the open meeting.")
    follow(page.get_by_role("button", name="Save", exact=True))
    page.wait_for_url(re.compile(r".*/admin/topics/task/$"))
    page.goto(live_server.url + task.get_absolute_url())
    assert page.locator(".prose strong", has_text="before").count() == 1


def test_no_csp_violations_in_a_real_browser(live_server, browser, content):
    # Without bypass_csp: the strict policy must not block anything the page needs.
    context = browser.new_context()
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    for path in ["/", content.get_absolute_url(), "/accounts/login/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    # Bootstrap's CSS and icons loaded from the portal itself
    assert page.evaluate("getComputedStyle(document.querySelector('.btn-primary')).display") != ""
    assert not violations, violations
    context.close()
