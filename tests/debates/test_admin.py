"""Debates in the admin: every model listed, and the CSV export of a debate."""

import csv
import io

from django.test import Client
from django.urls import reverse

from debates import services
from debates.exports import safe_cell
from modules.services import enrolment_create


def _debate(content, motion, make_user, tutor):
    people = []
    for i, (first, second) in enumerate([("for", "against"), ("undecided", "undecided"),
                                         ("against", None)]):  # fmt: skip
        user = make_user(name=f"Person {i}")
        enrolment_create(user=user, module=content)
        services.stance_record(user=user, motion=motion, phase="before", position=first,
                               confidence=3)  # fmt: skip
        if second:
            services.stance_record(user=user, motion=motion, phase="after", position=second,
                                   confidence=4)  # fmt: skip
        people.append(user)
    top = services.argument_create(
        author=people[0], motion=motion, side="for", text='=HYPERLINK("http://evil")'
    )
    services.argument_create(author=people[1], motion=motion, parent=top, text="-1+1 plain reply")
    hidden = services.argument_create(
        author=people[2], motion=motion, side="against", text="Hidden one"
    )
    services.argument_hide(argument=hidden, by=tutor, reason="@mention of a client")
    services.endorsement_create(argument=top, user=people[1])
    services.endorsement_create(argument=top, user=people[2])
    return people


def test_export_csv_action(content, motion, make_user, tutor, admin_user):
    _debate(content, motion, make_user, tutor)
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:topics_motion_changelist"),
        {"action": "export_csv", "_selected_action": [motion.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Motion", motion.statement]
    stance_at = rows.index(["Stance", "Before", "After"])
    assert rows[stance_at + 1] == ["For the motion", "1", "0"]
    assert rows[stance_at + 2] == ["Against the motion", "1", "1"]
    assert rows[stance_at + 3] == ["Undecided", "1", "1"]
    assert ["Total", "3", "2"] in rows
    assert ["Recorded both", "2"] in rows and ["Changed their mind", "1"] in rows
    header = ["cohort", "argument id"]
    header_at = next(i for i, row in enumerate(rows) if row and row[:2] == header)
    arguments = [row for row in rows[header_at + 1 :] if row]
    assert len(arguments) == 3
    by_text = {row[-1]: row for row in arguments}
    top = by_text['\'=HYPERLINK("http://evil")']  # formula defused with a quote
    assert top[0] == "All trainees"  # each argument names its cohort
    assert top[8] == "2" and top[9] == "visible"
    assert "'-1+1 plain reply" in by_text
    hidden = by_text["Hidden one"]
    assert hidden[9] == "hidden" and hidden[12] == "'@mention of a client"


def test_safe_cell():
    for risky in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]:
        assert safe_cell(risky) == "'" + risky
    assert safe_cell("Plain") == "Plain" and safe_cell(None) == "" and safe_cell(3) == "3"


def test_debate_models_are_in_the_admin(content, motion, make_user, tutor, admin_user):
    _debate(content, motion, make_user, tutor)
    client = Client()
    client.force_login(admin_user)
    for name in ["stance", "argument", "endorsement", "moderationevent"]:
        listing = client.get(reverse(f"admin:debates_{name}_changelist"))
        assert listing.status_code == 200, name
    argument_page = client.get(reverse("admin:debates_argument_changelist") + "?q=Hidden")
    assert "Hidden one" in argument_page.content.decode()
    motion_page = client.get(reverse("admin:topics_motion_changelist"))
    assert "Export the debates" in motion_page.content.decode()


def test_trainees_cannot_export(content, motion, trainee):
    client = Client()
    client.force_login(trainee)
    response = client.post(
        reverse("admin:topics_motion_changelist"),
        {"action": "export_csv", "_selected_action": [motion.pk]},
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
