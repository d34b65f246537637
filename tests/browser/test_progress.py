"""A new trainee enrols, sets a timetable, does all twelve tasks and sees the module complete.

axe-core runs on every page and state; one task is done with the keyboard alone.
"""

import datetime
import re

from django.utils import timezone

from modules.models import Enrolment
from tests.browser.conftest import follow
from tests.conftest import PASSWORD
from topics.models import ChecklistTick, Task, TaskCompletion, TimetableTarget

MODULE = "/modules/psycho-social-interventions/"


def test_enrol_timetable_and_all_twelve_tasks(live_server, page, axe, content, trainee, sign_in):
    base = live_server.url
    sign_in(page, trainee.email, PASSWORD)
    page.wait_for_url(f"{base}/dashboard/")
    assert "You are not enrolled in any module yet" in page.content()
    axe(page)

    # enrol: the prerequisite must be confirmed, and the page says why
    follow(page.get_by_role("link", name="Browse the module catalogue"))
    follow(page.get_by_role("link", name="Psycho-social interventions").first)
    page.wait_for_url(base + MODULE)
    axe(page)
    page.get_by_role("button", name="Enrol").click()
    error = page.get_by_text("Please confirm that you have completed Talking to People")
    error.wait_for()
    axe(page)
    assert not Enrolment.objects.filter(user=trainee).exists()
    page.get_by_label("I have completed Talking to People elsewhere").check()
    page.get_by_role("button", name="Enrol").click()
    page.get_by_text("You are enrolled in Psycho-social interventions").wait_for()
    assert "0 of 12 tasks done" in page.content()
    axe(page)
    assert Enrolment.objects.get(user=trainee).prerequisites_confirmed_at is not None

    # timetable: an impossible date is refused by its field, a past one is flagged
    follow(page.get_by_role("link", name="Your timetable"))
    axe(page)
    today = timezone.localdate()
    page.get_by_label("Topic One - Motivational interviewing").fill("2099-01-01")
    page.get_by_role("button", name="Save my timetable").click()
    page.get_by_text("Choose a date within five years of today.").wait_for()
    axe(page)
    dates = [today - datetime.timedelta(days=1)] + [
        today + datetime.timedelta(days=7 * n) for n in (1, 2, 3)
    ]
    for number, day in zip(["One", "Two", "Three", "Four"], dates, strict=True):
        page.get_by_label(re.compile(f"Topic {number} - ")).fill(day.isoformat())
    page.get_by_role("button", name="Save my timetable").click()
    page.get_by_text("Your timetable is saved.").wait_for()
    assert "has already passed" in page.content()
    axe(page)
    assert TimetableTarget.objects.filter(user=trainee).count() == 4
    follow(page.get_by_role("button", name="Create a private feed address"))
    feed = page.get_by_label("Your private feed address").input_value()
    assert re.match(rf"{base}{MODULE}timetable/feed/[\w-]{{40,}}\.ics$", feed)
    axe(page)

    # the dashboard flags the overdue topic and the one due within a week
    follow(page.get_by_role("link", name="Dashboard"))
    assert page.locator(".dashboard-targets").get_by_text("Overdue").count() == 1
    assert "Due within a week" in page.content()
    axe(page)

    # the first task by keyboard alone: tick a checklist item, then mark the task done
    page.get_by_role("link", name=re.compile("^Next task:|Topic One, first task")).first.click()
    page.wait_for_url(f"{base}{MODULE}topics/1/tasks/1/")
    axe(page)
    page.evaluate("window.__sameDocument = true")  # survives only if htmx, not a reload
    tick = page.get_by_role("button", name="Why is motivation important?")
    tick.focus()
    page.keyboard.press("Space")
    page.locator("#tick-1[aria-pressed=true]").wait_for()
    assert page.evaluate("document.activeElement.id") == "tick-1"  # focus kept through the swap
    done = page.get_by_role("button", name="Mark as done")
    done.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Mark as not done").wait_for()
    assert page.evaluate("document.activeElement.id") == "task-done-button"
    assert page.evaluate("window.__sameDocument") is True
    assert "1 of 12 tasks done in this module" in page.locator("#task-done-panel").inner_text()
    axe(page)
    assert ChecklistTick.objects.filter(user=trainee).count() == 1

    # the rest by clicking, each in place
    tasks = list(
        Task.objects.in_module(content)
        .select_related("topic")
        .order_by("topic__number", "position")
    )
    for n, task in enumerate(tasks[1:], start=2):
        page.goto(base + task.get_absolute_url())
        page.evaluate("window.__sameDocument = true")
        page.get_by_role("button", name="Mark as done").click()
        page.locator("#task-done-panel").get_by_text(f"{n} of 12 tasks done").wait_for()
        assert page.evaluate("window.__sameDocument") is True
        if n == 6:
            axe(page)
    assert page.locator("#task-done-panel").get_by_text("Module complete on").is_visible()
    axe(page)
    assert TaskCompletion.objects.filter(user=trainee).count() == 12

    # the topic page shows the ticks; the dashboard shows the module complete
    page.goto(base + tasks[0].topic.get_absolute_url())
    assert page.locator(".task-status-done").count() == 3
    assert "3 of 3 tasks done in this topic" in page.content()
    axe(page)
    follow(page.get_by_role("link", name="Dashboard"))
    card = page.locator(".dashboard-module")
    assert "12 of 12 tasks done" in card.inner_text()
    assert "Module complete on" in card.inner_text()
    assert "Overdue" not in page.locator(".dashboard-targets").inner_text()
    axe(page)
    assert Enrolment.objects.get(user=trainee).completed_at is not None

    # leaving asks first and says the reflections are kept
    page.goto(base + MODULE)
    axe(page)
    follow(page.get_by_role("link", name="Leave this module"))
    assert "Your reflections are kept" in page.content()
    axe(page)


def test_undo_and_not_enrolled_prompt(live_server, page, axe, content, trainee, sign_in):
    sign_in(page, trainee.email, PASSWORD)
    page.goto(live_server.url + MODULE + "topics/1/tasks/1/")
    prompt = page.get_by_role("link", name="Enrol in Psycho-social interventions")
    assert prompt.is_visible()
    assert page.get_by_role("button", name="Mark as done").count() == 0
    axe(page)
    page.goto(live_server.url + MODULE + "timetable/")
    axe(page)
    page.goto(live_server.url + MODULE + "topics/1/")
    axe(page)


def test_narrow_screen_progress_pages(live_server, browser, content, trainee, axe):
    from modules.services import enrolment_create

    enrolment_create(user=trainee, module=content, prerequisites_confirmed=True)
    context = browser.new_context(viewport={"width": 375, "height": 740}, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(trainee.email)
    page.get_by_label("Password").first.fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign In"))
    page.wait_for_url(live_server.url + "/dashboard/")
    for path in ["/dashboard/", MODULE, MODULE + "timetable/", MODULE + "topics/1/tasks/1/"]:
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        axe(page)
    context.close()
