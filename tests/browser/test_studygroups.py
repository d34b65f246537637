"""Issue 11's "Done when", end to end in a browser.

Trainee A convenes a peer group and schedules the four topic meetings in one form,
invites B by email and C by code; both join; each one's timetable shows the meetings as
deadlines; A moves the topic-two meeting and B's calendar feed shows the new time with a
higher SEQUENCE; B shares a reflection and C comments on it; the group page shows the
members' progress; a supervisor invited by email opens the magic link signed out and signs
off B's reflection; B's portfolio PDF carries the sign-off. axe-core runs on every page
on the way; scheduling is done with the keyboard alone in its own test, and every other
page of the app is checked by axe at desktop and phone widths.
"""

import datetime
import io
import re

from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from modules.services import enrolment_create
from reflections.models import ReflectionTemplate
from reflections.services import reflection_create
from reflections.structures import seed_structures
from studygroups import services
from studygroups.models import Meeting, Membership, StudyGroup
from tests.browser.conftest import follow
from tests.conftest import PASSWORD
from topics.models import Task

MODULE = "/modules/psycho-social-interventions/"


def _context(browser, **kwargs):
    context = browser.new_context(
        viewport=kwargs.pop("viewport", {"width": 1280, "height": 900}), bypass_csp=True, **kwargs
    )
    context.set_default_timeout(30_000)
    return context


def _sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").first.fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign In"))
    assert "/accounts/login/" not in page.url, email


def _link_in_mail(to: str, pattern: str) -> str:
    for message in reversed(mail.outbox):
        if message.to == [to]:
            found = re.search(r"https?://[^/\s]+(" + pattern + r"\S*)", message.body)
            if found:
                return found.group(1)
    raise AssertionError(f"No email to {to} with {pattern}")


def _feed_events(page, url) -> dict:
    response = page.request.get(url)
    assert response.ok, response.status
    return {str(e["UID"]): e for e in Calendar.from_ical(response.body()).walk("VEVENT")}


def test_a_study_group_from_convening_to_a_signed_off_portfolio(
    live_server, browser, axe, content, make_user, run_jobs
):
    seed_structures(ReflectionTemplate)  # the live server's database is flushed between tests
    base = live_server.url
    ann = make_user(name="Ann Convenor")
    bob = make_user(name="Bob Member")  # has an account, not yet enrolled
    cat = make_user(name="Cat Coder")
    for user in (ann, cat):
        enrolment_create(user=user, module=content, prerequisites_confirmed=True)
    contexts = []

    def open_as(user=None, **kwargs):
        context = _context(browser, **kwargs)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            _sign_in(page, base, user.email)
        return page

    try:
        # --- A convenes a peer group from the module overview -----------------------------
        a = open_as(ann)
        a.goto(base + MODULE)
        axe(a)
        follow(a.get_by_role("link", name="Convene a group"))
        axe(a)
        a.get_by_label("Name of the group").fill("Leeds peer group")
        a.get_by_label("A peer group: colleagues on the module").check()
        a.get_by_label("Description").fill("We meet on *Tuesday* evenings.")
        follow(a.get_by_role("button", name="Create the group"))
        assert "Arrange your meeting times" in a.content()
        axe(a)

        # --- ... and schedules all four topic meetings in one form ------------------------
        today = timezone.localdate()
        days = {n: today + datetime.timedelta(weeks=n) for n in (1, 2, 3, 4)}
        for n, word in [(1, "One"), (2, "Two"), (3, "Three"), (4, "Four")]:
            row = a.get_by_role("group", name=re.compile(f"^Topic {word} - "))
            row.get_by_label("Date").fill(days[n].isoformat())
            row.get_by_label("Start time").fill("18:30")
            row.get_by_label("Place").fill("Training room 2")
        follow(a.get_by_role("button", name="Schedule these meetings"))
        assert "4 meetings scheduled" in a.content()
        axe(a)
        group = StudyGroup.objects.get()
        meetings = {m.topic.number: m for m in Meeting.objects.select_related("topic")}
        assert sorted(meetings) == [1, 2, 3, 4]

        # --- A invites B by email; C gets the code ---------------------------------------
        invite = a.get_by_role("region", name="Invite someone")
        invite.get_by_label("Their email address").fill(bob.email)
        follow(invite.get_by_role("button", name="Send an invitation"))
        assert f"Invitation sent to {bob.email}" in a.content()
        code = a.locator("#join-code").inner_text()
        run_jobs()

        # B opens the emailed link signed out, signs in, confirms the prerequisite, joins.
        b = open_as()
        path = _link_in_mail(bob.email, "/groups/invite/")
        b.goto(base + path)
        axe(b)
        follow(b.get_by_role("link", name="Sign in to accept"))
        b.get_by_label("Email").fill(bob.email)
        b.get_by_label("Password").first.fill(PASSWORD)
        follow(b.get_by_role("button", name="Sign In"))
        assert "Accept and join" in b.content()
        axe(b)
        b.get_by_label("I have completed Talking to People elsewhere").check()
        follow(b.get_by_role("button", name="Accept and join"))
        assert "Welcome to “Leeds peer group”" in b.content()
        axe(b)

        # C types the code on the dashboard (in small letters), then joins.
        c = open_as(cat)
        c.goto(base + "/dashboard/")
        axe(c)
        c.get_by_label("Join code").fill(code.lower())
        follow(c.get_by_role("button", name="Find the group"))
        axe(c)
        follow(c.get_by_role("button", name="Join the group"))
        assert "Welcome to “Leeds peer group”" in c.content()
        assert group.memberships.active().count() == 3

        # --- each one's timetable shows the meetings as deadlines --------------------------
        for page in (a, b, c):
            page.goto(base + MODULE + "timetable/")
            html = page.content()
            for day in days.values():
                said = f"Your study group meets on {day.day} {day:%B %Y}: that is your deadline."
                assert said in html
            assert html.count("Study group: Topic") == 4
        axe(b)

        # B subscribes to the private feed.
        follow(b.get_by_role("button", name="Create a private feed address"))
        feed_url = b.locator("#feed-url").input_value()
        uid = meetings[2].ical_uid
        before = _feed_events(b, feed_url)[uid]
        assert before["SEQUENCE"] == 0

        # --- A moves the topic-two meeting -------------------------------------------------
        a.goto(base + group.get_absolute_url())
        follow(a.locator("#topic-2").get_by_role("link").first)
        axe(a)
        follow(a.get_by_role("link", name="Move or change"))
        axe(a)
        moved_day = days[2] + datetime.timedelta(days=1)
        a.get_by_label("Date").fill(moved_day.isoformat())
        a.get_by_label("Start time").fill("19:45")
        follow(a.get_by_role("button", name="Save the changes"))
        assert "The meeting is updated" in a.content()
        after = _feed_events(b, feed_url)[uid]
        assert after["SEQUENCE"] > before["SEQUENCE"]
        start = timezone.localtime(after.decoded("DTSTART"), bob.zone)
        assert (start.date(), start.time()) == (moved_day, datetime.time(19, 45))

        # --- B marks a task done, writes and shares a reflection; C comments ---------------
        first_task = Task.objects.get(topic__module=content, topic__number=1, position=1)
        b.goto(base + first_task.get_absolute_url())
        b.get_by_role("button", name="Mark as done").click()
        b.locator("#task-done-panel").get_by_text("1 of 12 tasks done").wait_for()
        reflection = reflection_create(
            author=bob,
            title="What motivational interviewing asks of me",
            body="I talk too much; I will ask **open questions**.",
            task=first_task,
        )
        b.goto(base + reflection.get_absolute_url())
        axe(b)
        share_panel = b.get_by_role("region", name="Share with a study group")
        share_panel.get_by_label("Group").select_option(label="Leeds peer group")
        follow(share_panel.get_by_role("button", name="Share"))
        assert "is shared with “Leeds peer group”" in b.content()

        c.goto(base + group.get_absolute_url())
        follow(c.get_by_role("link", name="What motivational interviewing asks of me"))
        assert "<strong>open questions</strong>" in c.content()
        axe(c)
        c.get_by_label("Your comment").fill("Try a *reflection* before each question.")
        follow(c.get_by_role("button", name="Post the comment"))
        assert "<em>reflection</em> before each question" in c.content()

        # --- the group page shows the members' progress -------------------------------------
        a.goto(base + group.get_absolute_url())
        progress = a.get_by_role("table", name=re.compile("Tasks done in each topic"))
        bob_row = progress.get_by_role("row", name=re.compile("Bob Member"))
        assert bob_row.get_by_role("cell").first.inner_text().strip() == "1 of 3"
        axe(a)

        # --- a supervisor, invited by email, signs off B's reflection signed out ------------
        supervisor_form = a.get_by_role("region", name="Invite a supervisor")
        supervisor_form.get_by_label("Supervisor's name").fill("Dr Sam Supervisor")
        supervisor_form.get_by_label("Supervisor's email address").fill("sam@nhs.example.net")
        follow(supervisor_form.get_by_role("button", name="Send the link"))
        assert "has been sent a personal link" in a.content()
        run_jobs()
        s = open_as()
        s.goto(base + _link_in_mail("sam@nhs.example.net", "/groups/supervise/"))
        assert "as its supervisor, Dr Sam Supervisor" in s.content()
        assert s.url == base + group.get_absolute_url()
        axe(s)
        follow(s.get_by_role("link", name="What motivational interviewing asks of me"))
        axe(s)
        s.get_by_label("Comment (optional)").fill("We talked it through: a good plan.")
        follow(s.get_by_role("button", name="Sign off"))
        assert "It shows in Bob Member's portfolio" in s.content().replace("&#x27;", "'")

        # --- B's portfolio PDF carries the sign-off -------------------------------------------
        b.goto(base + "/portfolio/")
        assert "signed off by Dr Sam Supervisor" in b.content()
        downloads = b.get_by_role("region", name="Download the whole portfolio")
        with b.expect_download() as info:
            downloads.get_by_role("link", name=re.compile("^PDF")).click()
        pdf = PdfReader(io.BytesIO(open(info.value.path(), "rb").read()))
        text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
        assert f"Discussed in supervision on {today.day} {today:%B %Y}" in text
        assert "Dr Sam Supervisor" in text and "a good plan" in text
    finally:
        for context in contexts:
            context.close()


def _tab_to(page, predicate: str, limit: int = 150):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"Could not reach {predicate} with Tab")


def _tab_out_of(page, name: str) -> str:
    """Tab past the field (a date or time input has several stops inside); returns the
    name of the next field."""
    for _ in range(6):
        page.keyboard.press("Tab")
        now = page.evaluate("document.activeElement.name")
        if now != name:
            return now
    raise AssertionError(f"Tab never left {name}")


def _same_day_and_month(after: datetime.date) -> datetime.date:
    """The next date like 3 March (day = month): typed the same in day-month-year and
    month-day-year inputs, whatever language the browser's date input uses."""
    day = after
    while day.day != day.month:
        day += datetime.timedelta(days=1)
    return day


def test_scheduling_with_the_keyboard_alone(live_server, page, content, make_user):
    ann = make_user(name="Ann Keys")
    enrolment_create(user=ann, module=content, prerequisites_confirmed=True)
    group = services.group_create(user=ann, module=content, name="Keys group", kind="peer")
    _sign_in(page, live_server.url, ann.email)
    page.goto(live_server.url + group.get_absolute_url())
    _tab_to(page, "el.textContent.includes('topic meetings in one form')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    day = _same_day_and_month(timezone.localdate() + datetime.timedelta(days=2))
    _tab_to(page, "el.name === 't1_date'")
    page.keyboard.type(day.strftime("%d%m%Y"))
    assert page.evaluate("document.activeElement.value") == day.isoformat()
    assert _tab_out_of(page, "t1_date") == "t1_time"
    page.keyboard.type("0630P")  # 18:30 on a 12-hour clock; 06:30 on a 24-hour one
    typed = page.evaluate("document.activeElement.value")
    assert typed in ("18:30", "06:30"), typed
    assert _tab_out_of(page, "t1_time") == "t1_duration"
    page.keyboard.press("ArrowDown")  # the length: arrows choose
    assert _tab_out_of(page, "t1_duration") == "t1_place"
    page.keyboard.type("Room 2")
    _tab_to(page, "el.textContent.includes('Schedule these meetings')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "1 meeting scheduled" in page.content()
    meeting = Meeting.objects.get()
    local = timezone.localtime(meeting.starts_at, ann.zone)
    assert (local.date(), f"{local:%H:%M}") == (day, typed)
    assert meeting.duration_minutes == 90 and meeting.place == "Room 2"
    # The answer buttons are reached the same way.
    _tab_to(page, "el.textContent.trim().startsWith('Going')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Your answer for the Topic One meeting: going." in page.content()


def test_every_study_group_page_passes_axe_and_fits_a_phone(
    live_server, browser, axe, content, make_user
):
    seed_structures(ReflectionTemplate)
    ann, bob = make_user(name="Ann Axe"), make_user(name="Bob Axe")
    for user in (ann, bob):
        enrolment_create(user=user, module=content, prerequisites_confirmed=True)
    group = services.group_create(user=ann, module=content, name="Axe group", kind="peer")
    services.membership_join(group=group, user=bob)
    convenor = group.memberships.get(role=Membership.Role.CONVENOR)
    soon = timezone.now() + datetime.timedelta(days=5)
    meetings = [
        services.meeting_schedule(
            group=group,
            by=convenor,
            plan=services.MeetingPlan(
                topic=content.topics.get(number=n),
                starts_at=soon + datetime.timedelta(days=n),
                duration_minutes=60,
                place="Room 2",
                video_url="https://meet.example.org/x",
                agenda="1. Practise",
            ),
        )  # fmt: skip
        for n in (1, 3)
    ]
    services.notes_save(meeting=meetings[1], by=convenor, expected_version=0, body="**Notes**")
    services.action_item_add(meeting=meetings[1], by=convenor, owner=convenor, text="Go to AA")
    services.visit_add(
        meeting=meetings[1], by=convenor, name="AA open meeting", place="St Mary's",
        on=timezone.localdate() + datetime.timedelta(days=2),
    )  # fmt: skip
    reflection = reflection_create(author=bob, title="Bob's reflection", body="Text")
    share = services.reflection_share(
        reflection=reflection, group=group, by=group.memberships.get(user=bob)
    )
    invitation = services.invitation_send(group=group, by=convenor, email="new@example.org")
    inviting_bob = services.group_create(user=ann, module=content, name="Second", kind="peer")
    to_bob = services.invitation_send(
        group=inviting_bob, by=inviting_bob.memberships.get(user=ann), email=bob.email
    )
    third_task = Task.objects.get(topic__module=content, topic__number=3, position=3)
    g, m = group.pk, meetings[1].pk
    ann_pages = [
        "/groups/", f"/groups/new/?module={content.slug}", f"/groups/{g}/",
        f"/groups/{g}/settings/", f"/groups/{g}/leave/", f"/groups/{g}/schedule/",
        f"/groups/{g}/meetings/new/?topic=2", f"/groups/{g}/meetings/{m}/",
        f"/groups/{g}/meetings/{m}/edit/", f"/groups/{g}/meetings/{m}/cancel/",
        f"/groups/{g}/meetings/{m}/notes/", f"/groups/{g}/meetings/{m}/notes/history/",
        share.get_absolute_url(), third_task.get_absolute_url(), "/dashboard/", MODULE,
        MODULE + "timetable/",
    ]  # fmt: skip
    risky = reflection_create(author=bob, title="About Mrs Jones", body="Text")
    bob_pages = [
        to_bob.get_absolute_url(), f"/groups/join/{inviting_bob.join_token}/",
        reflection.get_absolute_url(),
        f"/groups/share/check/?reflection={risky.pk}&group={group.pk}",
    ]  # fmt: skip
    visitor_pages = [services.invitation_path(invitation), "/groups/supervise/expired-or-forged/"]
    for width in (1280, 390):
        for user, pages in ((ann, ann_pages), (bob, bob_pages), (None, visitor_pages)):
            context = _context(browser, viewport={"width": width, "height": 900})
            try:
                page = context.new_page()
                if user is not None:
                    _sign_in(page, live_server.url, user.email)
                for path in pages:
                    page.goto(live_server.url + path)
                    assert page.locator("h1").count() == 1, path
                    axe(page)
                    overflow = page.evaluate(
                        "document.documentElement.scrollWidth"
                        " - document.documentElement.clientWidth"
                    )
                    assert overflow <= 0, (width, path, overflow)
            finally:
                context.close()
