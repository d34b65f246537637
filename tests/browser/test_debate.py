"""Three trainees and a tutor play a whole debate; axe-core on every state of the page."""

import re

from django.urls import reverse

from debates.models import Argument
from modules.services import enrolment_create
from tests.browser.conftest import follow
from tests.conftest import PASSWORD
from topics.models import TaskCompletion


def _person(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").first.fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign In"))
    assert "/accounts/login/" not in page.url
    return page


def _stance(page, *, position: str, confidence: int, reason: str = ""):
    form = page.locator("form[action$='/debate/stance/']")
    form.get_by_label(position).check()
    form.get_by_label(str(confidence), exact=True).check()
    if reason:
        form.get_by_label("Your reason in a line (optional)").fill(reason)
    follow(form.get_by_role("button", name=re.compile("Record my stance")))


def _argue(page, *, side: str, text: str):
    form = page.locator("form[action$='/debate/arguments/']")
    form.get_by_label(side).check()
    form.get_by_label("Your argument", exact=True).fill(text)
    follow(form.get_by_role("button", name="Post argument"))


def _article(page, text: str):
    return page.locator("article.argument", has_text=text).first


def test_three_trainees_and_a_tutor_play_a_full_debate(
    live_server, browser, axe, content, make_user, tutor
):
    ada, bo, cy = (make_user(name=name) for name in ("Ada Lovell", "Bo Marsh", "Cy Okafor"))
    for user in (ada, bo, cy):
        enrolment_create(user=user, module=content)
    debate = live_server.url + reverse("debates:detail", args=[content.slug, 1])

    # Ada finds the debate from the task page and gives her first opinion
    a = _person(browser, live_server, ada)
    a.goto(live_server.url + reverse("topics:task", args=[content.slug, 1, 2]))
    follow(a.get_by_role("link", name="Go to the debate"))
    assert a.url == debate
    assert a.get_by_role("heading", level=1).inner_text() == "The debate"
    assert a.locator("article.argument").count() == 0
    axe(a)  # state: before the stance
    _stance(a, position="Undecided", confidence=2, reason="It depends on the client")
    assert "The arguments are open now" in a.content()
    axe(a)  # state: arguing, no arguments yet
    _argue(a, side="For the motion", text="Only *one-to-one* work lets me tailor it to the person.")
    follow(a.get_by_role("link", name=re.compile("Edit or delete")))
    assert a.get_by_role("button", name="Save changes").is_visible()
    axe(a)  # the author's edit-or-delete page
    a.go_back(wait_until="load")

    # Bo argues against, replies to Ada and endorses her argument in place (htmx)
    b = _person(browser, live_server, bo)
    b.goto(debate)
    _stance(b, position="Against the motion", confidence=3)
    thread = b.locator("li.argument-thread", has_text="lets me tailor it")
    thread.locator("summary", has_text="Reply").click()
    reply_form = thread.locator("form[action*='/reply/']")
    reply_form.get_by_label("Your reply").fill("Groups let people hear peers who changed.")
    follow(reply_form.get_by_role("button", name="Post reply"))
    b.evaluate("window.stillTheSamePage = true")
    _article(b, "lets me tailor it").get_by_role("button", name=re.compile("^Endorse")).click()
    endorse = b.locator(f"#endorse-{Argument.objects.get(author=ada).pk}")
    endorse.get_by_text("1 endorsement", exact=True).wait_for()
    assert b.evaluate("window.stillTheSamePage") is True  # updated in place, no reload
    _argue(b, side="Against the motion", text="My client Jane Doe did better in a group.")
    _argue(b, side="Against the motion", text="Mutual aid groups motivate change too.")

    # Cy joins for the motion and endorses Bo's argument
    c = _person(browser, live_server, cy)
    c.goto(debate)
    _stance(c, position="For the motion", confidence=4)
    _article(c, "Mutual aid groups").get_by_role("button", name=re.compile("^Endorse")).click()
    c.locator("form.endorse-form", has_text="1 endorsement").first.wait_for()
    _argue(c, side="For the motion", text="Trust is built between two people first.")
    axe(c)  # state: arguing, with arguments, replies and endorsements

    # The tutor hides the argument that names a client
    t = _person(browser, live_server, tutor)
    t.goto(debate)
    assert "You moderate this debate" in t.content()
    axe(t)  # state: tutor view
    named = _article(t, "Jane Doe")
    named.locator("summary", has_text="Hide").click()
    named.get_by_label("Reason for hiding (the author sees it)").fill("Names a client.")
    follow(named.get_by_role("button", name=re.compile("^Hide")))
    assert "Hidden" in _article(t, "Jane Doe").inner_text()
    axe(t)

    a.goto(debate)
    assert "Jane Doe" not in a.content()
    b.goto(debate)
    assert "A tutor hid this argument" in _article(b, "Jane Doe").inner_text()
    assert "Names a client." in b.content()

    # Stances after: Ada moves, Bo stays, Cy moves
    _stance(a, position="Against the motion", confidence=4)
    _stance(b, position="Against the motion", confidence=3)
    _stance(c, position="Undecided", confidence=2)
    a.goto(debate)
    assert "You moved from undecided (2) to against (4)." in a.content()
    assert "2 of 3" in a.locator(".cohort-changed").inner_text()
    rows = a.locator("table.shift-table tbody tr")
    assert [rows.nth(i).inner_text().split("\t") for i in range(3)] == [
        ["For the motion", "1 (33%)", "0 (0%)"],
        ["Against the motion", "1 (33%)", "2 (67%)"],
        ["Undecided", "1 (33%)", "1 (33%)"],
    ]
    assert a.locator(".shift-after.pct-67").count() == 1  # the chart draws the same numbers
    axe(a)  # state: after, with the results
    b.goto(debate)
    assert "You stayed against, just as sure as before (3 to 3)." in b.content()
    t.goto(debate)
    assert "2 of 3" in t.locator(".cohort-changed").inner_text()
    axe(t)

    # everyone who took both stances and argued has the task done
    done = set(TaskCompletion.objects.values_list("user__email", flat=True))
    assert done == {ada.email, bo.email, cy.email}

    # the debate on a phone: nothing overflows sideways
    phone = browser.new_context(viewport={"width": 375, "height": 740}, bypass_csp=True)
    phone.add_cookies(a.context.cookies())
    small = phone.new_page()
    small.goto(debate)
    assert small.evaluate("document.documentElement.scrollWidth") <= 375
    axe(small)
    phone.close()
    for page in (a, b, c, t):
        page.context.close()


def test_edit_and_delete_without_javascript(live_server, browser, axe, content, make_user):
    ada = make_user(name="Ada Lovell")
    enrolment_create(user=ada, module=content)
    context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(ada.email)
    page.get_by_label("Password").first.fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign In"))
    debate = live_server.url + reverse("debates:detail", args=[content.slug, 1])
    page.goto(debate)
    _stance(page, position="For the motion", confidence=3)
    _argue(page, side="For the motion", text="")
    assert "Write your argument before posting it." in page.content()
    _argue(page, side="For the motion", text="A first draft with a typo.")
    follow(page.get_by_role("link", name=re.compile("Edit or delete")))
    page.get_by_label("Your argument").fill("A first draft, corrected.")
    follow(page.get_by_role("button", name="Save changes"))
    assert "A first draft, corrected." in page.content()
    follow(page.get_by_role("link", name=re.compile("Edit or delete")))
    follow(page.get_by_role("button", name="Delete my argument"))
    assert "Your argument is deleted." in page.content()
    assert not Argument.objects.exists()
    context.close()


def test_load_more_arguments_by_keyboard_and_without_javascript(
    live_server, browser, axe, content, make_user
):
    from debates.services import stance_record
    from tests.factories import grow_debate
    from topics.models import Motion

    people = [make_user(name=f"Person {n}") for n in range(3)]
    for user in people:
        enrolment_create(user=user, module=content)
    motion = Motion.objects.get(task__topic__module=content, task__topic__number=1)
    grow_debate(motion, arguments=25, people=people)
    reader = make_user(name="Rea Reader")
    enrolment_create(user=reader, module=content)
    stance_record(user=reader, motion=motion, phase="before", position="for", confidence=3)
    debate = live_server.url + reverse("debates:detail", args=[content.slug, 1])

    page = _person(browser, live_server, reader)
    page.goto(debate)
    threads = page.locator("li.argument-thread")
    assert threads.count() == 10
    more = page.get_by_role("link", name="Load more arguments")
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('li.argument-thread').length === 20")
    assert page.url == debate  # appended in place, no new page
    assert page.get_by_role("status").filter(has_text="Showing arguments 1 to 20 of 25.").count()
    # focus moves to the first argument added, so reading goes on from there
    focused = page.evaluate("document.activeElement.closest('li.argument-thread') !== null")
    assert focused
    axe(page)
    page.get_by_role("link", name="Load more arguments").click()
    page.wait_for_function("document.querySelectorAll('li.argument-thread').length === 25")
    assert page.get_by_role("link", name="Load more arguments").count() == 0

    # Without JavaScript the same link opens the next page, with a way back.
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(f"{live_server.url}/accounts/login/")
    plain.get_by_label("Email").fill(reader.email)
    plain.get_by_label("Password").first.fill(PASSWORD)
    follow(plain.get_by_role("button", name="Sign In"))
    plain.goto(debate)
    follow(plain.get_by_role("link", name="Load more arguments"))
    assert "page=2" in plain.url and plain.locator("li.argument-thread").count() == 10
    assert plain.get_by_role("link", name="Previous arguments").count() == 1
    context.close()
