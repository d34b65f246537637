"""Form controls stand out on every main page (WCAG 2.2, 1.4.11 non-text contrast).

axe-core does not check 1.4.11, so contrast.js measures the computed colours of every
visible radio, checkbox, input, textarea and select: as shown, checked and unchecked,
disabled, and focused (with its focus outline), against the colour behind it. Every page
that any browser test runs axe on is measured too (the ``axe`` fixture), at rest.
"""

import csv

import pytest
from django.urls import reverse

from modules.services import enrolment_create
from reflections.services import reflection_create
from tests.browser.conftest import ARTIFACTS, assert_controls_contrast, measure_controls
from topics.models import Task

WIDTHS = [1280, 390]


def _pages(module, reflection):
    slug = module.slug
    return {
        "home": reverse("home"),
        "module overview": module.get_absolute_url(),
        "topic": reverse("topics:detail", args=[slug, 1]),
        "task (checklist)": reverse("topics:task", args=[slug, 1, 1]),
        "debate (stance radios)": reverse("debates:detail", args=[slug, 1]),
        "timetable (date inputs)": reverse("topics:timetable", args=[slug]),
        "portfolio": reverse("reflections:portfolio"),
        "reflection": reflection.get_absolute_url(),
        "reflection editor": reverse("reflections:edit", args=[reflection.pk]),
        "new reflection": reverse("reflections:new"),
        "library": reverse("library:index"),
        "library search": reverse("library:search") + "?q=motivational",
        "account": reverse("account"),
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_every_form_control_reaches_3_to_1_in_every_state(
    live_server, context, sign_in, content, trainee, width
):
    enrolment_create(user=trainee, module=content)
    task = Task.objects.get(topic__module=content, topic__number=1, position=1)
    reflection = reflection_create(author=trainee, task=task, title="First thoughts", body="Hi")
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})

    signed_out = {
        "sign in": reverse("account_login"),
        "sign up": reverse("account_signup"),
        "library (signed out)": reverse("library:index"),
    }
    measured = 0
    rows = []
    for name, path in signed_out.items():
        page.goto(live_server.url + path)
        result = assert_controls_contrast(page, focus=True)
        measured += result["checked"]
        rows += [{"page": name, **m} for m in result["measurements"]]

    sign_in(page, trainee.email, "a-long-test-password-1")
    for name, path in _pages(content, reflection).items():
        page.goto(live_server.url + path)
        result = assert_controls_contrast(page, focus=True)
        measured += result["checked"]
        rows += [{"page": name, **m} for m in result["measurements"]]
        if name.startswith("debate"):
            states = {m["state"] for m in result["measurements"] if "radio" in m["control"]}
            assert {"unchecked", "checked", "disabled", "focus ring"} <= states, states
    # The pages hold checkboxes, radios, inputs, selects and textareas: the check is not empty.
    assert measured > 20
    # The figures, for people to read (test-artifacts/ is not in git).
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / f"contrast-{width}.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["page", *rows[0]])
        writer.writeheader()
        writer.writerows(rows)


def test_debate_radios_are_visible_on_a_phone(live_server, context, sign_in, content, trainee):
    """The stance and confidence radios at 390 px: a screenshot for people to look at, and
    the figures behind it."""
    enrolment_create(user=trainee, module=content)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, trainee.email, "a-long-test-password-1")
    page.goto(live_server.url + reverse("debates:detail", args=[content.slug, 1]))
    form = page.locator("form[action$='/debate/stance/']")
    form.get_by_label("For the motion").check()
    form.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    form.screenshot(path=str(ARTIFACTS / "debate-stance-390.png"))

    radios = [
        m
        for m in measure_controls(page)["measurements"]
        if "radio" in m["control"] and m["state"] in ("unchecked", "checked")
    ]
    assert len(radios) >= 8  # for / against / undecided and confidence 1-5
    assert min(m["ratio"] for m in radios) >= 3
