"""The counters kept on write (stance tally, endorsement counts) always equal a recount.

Each test writes through the services (or the admin, or an account deletion), reads the
counters back, and compares them with what counting the rows gives."""

import random

from django.db.models import Count
from django.test import Client
from django.urls import reverse

from debates import selectors, services
from debates.models import Argument, DebateTally, Endorsement, Stance
from modules.models import Cohort
from portal.services import user_delete


def counted(motion) -> dict[str, int]:
    """The tally by counting the stances (what the counters must always say)."""
    fields = {f"{p}_{q}": 0 for p in ("before", "after") for q in ("for", "against", "undecided")}
    for row in (
        Stance.objects.filter(motion=motion).values("phase", "position").annotate(n=Count("pk"))
    ):
        fields[f"{row['phase']}_{row['position']}"] = row["n"]
    befores = {s.user_id: s.position for s in Stance.objects.filter(motion=motion, phase="before")}
    afters = Stance.objects.filter(motion=motion, phase="after", user_id__in=befores)
    fields["both"] = afters.count()
    fields["changed"] = sum(1 for s in afters if s.position != befores[s.user_id])
    return fields


def kept(motion) -> dict[str, int]:
    tally = DebateTally.objects.filter(motion=motion).first()
    names = [*counted(motion)]
    return {name: getattr(tally, name) if tally else 0 for name in names}


def assert_endorsements_match(motion):
    for argument in Argument.objects.filter(motion=motion).annotate(n=Count("endorsements")):
        assert argument.endorsement_count == argument.n, argument.pk


def record(user, motion, phase="before", position="for", confidence=3):
    return services.stance_record(
        user=user, motion=motion, phase=phase, position=position, confidence=confidence
    )


def test_tally_follows_every_stance_and_change(enrolled, motion):
    ada, bo, cy = enrolled(), enrolled(), enrolled()
    record(ada, motion, position="for")
    record(bo, motion, position="against")
    record(cy, motion, position="undecided")
    assert kept(motion) == counted(motion)
    assert kept(motion)["before_for"] == 1 and kept(motion)["both"] == 0
    record(ada, motion, phase="after", position="for")  # stays
    record(bo, motion, phase="after", position="for")  # changes side
    tally = kept(motion)
    assert tally == counted(motion)
    assert (tally["after_for"], tally["both"], tally["changed"]) == (2, 2, 1)
    record(ada, motion, phase="after", position="against")  # now changed too
    record(bo, motion, phase="after", position="against")  # back where bo began
    tally = kept(motion)
    assert tally == counted(motion)
    assert (tally["after_for"], tally["after_against"], tally["changed"]) == (0, 2, 1)


def test_chart_reads_the_tally(enrolled, motion):
    people = [enrolled() for _ in range(4)]
    for user, (first, second) in zip(
        people, [("for", "against"), ("for", "for"), ("undecided", None), ("against", "for")],
        strict=True,
    ):  # fmt: skip
        record(user, motion, position=first)
        if second:
            record(user, motion, phase="after", position=second)
    shift = selectors.cohort_shift(motion, Cohort.default_for(motion.task.topic.module))
    assert (shift.before_total, shift.after_total, shift.both_total, shift.changed) == (4, 3, 3, 2)
    assert [(r.position, r.before, r.after) for r in shift.rows] == [
        ("for", 2, 2), ("against", 1, 1), ("undecided", 1, 0),
    ]  # fmt: skip


def test_random_histories_keep_the_counters_exact(enrolled, motion):
    rng = random.Random(7)
    people = [enrolled() for _ in range(6)]
    for user in people:
        record(user, motion, position=rng.choice(["for", "against", "undecided"]))
    tops = [
        services.argument_create(author=user, motion=motion, side="for", text=f"Point {n}.")
        for n, user in enumerate(people)
    ]
    for _ in range(60):
        user, argument = rng.choice(people), rng.choice(tops)
        action = rng.choice(["after", "endorse", "withdraw"])
        if action == "after":
            position = rng.choice(["for", "against", "undecided"])
            record(user, motion, phase="after", position=position, confidence=rng.randint(1, 5))
        elif argument.author_id != user.pk and action == "endorse":
            services.endorsement_create(argument=argument, user=user)
        elif action == "withdraw":
            services.endorsement_delete(argument=argument, user=user)
        assert kept(motion) == counted(motion)
    assert_endorsements_match(motion)


def test_endorsement_counts_follow_endorse_withdraw_and_delete(enrolled, motion):
    ada, bo, cy = enrolled(), enrolled(), enrolled()
    for user in (ada, bo, cy):
        record(user, motion)
    top = services.argument_create(author=ada, motion=motion, side="for", text="Mine.")
    services.endorsement_create(argument=top, user=bo)
    services.endorsement_create(argument=top, user=bo)  # twice: counted once
    services.endorsement_create(argument=top, user=cy)
    top.refresh_from_db()
    assert top.endorsement_count == 2
    services.endorsement_delete(argument=top, user=cy)
    services.endorsement_delete(argument=top, user=cy)  # nothing left to withdraw
    top.refresh_from_db()
    assert top.endorsement_count == 1
    services.argument_create(author=bo, motion=motion, parent=top, text="A reply.")
    services.argument_delete(argument=top, by=ada)  # kept as "deleted", endorsements go
    top.refresh_from_db()
    assert top.is_deleted and top.endorsement_count == 0
    assert_endorsements_match(motion)


def test_a_deleted_account_leaves_the_counters(enrolled, motion):
    ada, bo = enrolled(), enrolled()
    record(ada, motion, position="for")
    record(ada, motion, phase="after", position="against")
    record(bo, motion, position="undecided")
    top = services.argument_create(author=bo, motion=motion, side="for", text="Bo's point.")
    services.endorsement_create(argument=top, user=ada)
    user_delete(user=ada)
    assert kept(motion) == counted(motion)
    assert kept(motion)["before_undecided"] == 1 and kept(motion)["both"] == 0
    top.refresh_from_db()
    assert top.endorsement_count == 0


def test_admin_edits_are_recounted(enrolled, motion, admin_user):
    ada, bo = enrolled(), enrolled()
    record(ada, motion, position="for")
    record(bo, motion, position="for")
    top = services.argument_create(author=ada, motion=motion, side="for", text="A point.")
    services.endorsement_create(argument=top, user=bo)
    client = Client()
    client.force_login(admin_user)
    stance = Stance.objects.get(user=bo)
    response = client.post(
        reverse("admin:debates_stance_change", args=[stance.pk]),
        {"user": bo.pk, "motion": motion.pk, "phase": "before", "position": "against",
         "confidence": 2, "reason": "", "cohort": stance.cohort_id},
    )  # fmt: skip
    assert response.status_code == 302
    assert kept(motion) == counted(motion) and kept(motion)["before_against"] == 1
    response = client.post(
        reverse("admin:debates_stance_delete", args=[stance.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert kept(motion) == counted(motion) and kept(motion)["before_against"] == 0
    endorsement = Endorsement.objects.get()
    response = client.post(
        reverse("admin:debates_endorsement_changelist"),
        {"action": "delete_selected", "_selected_action": [endorsement.pk], "post": "yes"},
    )
    assert response.status_code == 302
    top.refresh_from_db()
    assert top.endorsement_count == 0


def test_rebuild_gives_what_the_services_kept(enrolled, motion):
    people = [enrolled() for _ in range(3)]
    for n, user in enumerate(people):
        record(user, motion, position=["for", "against", "undecided"][n])
        record(user, motion, phase="after", position="for")
    top = services.argument_create(author=people[0], motion=motion, side="for", text="One.")
    services.endorsement_create(argument=top, user=people[1])
    before = kept(motion)
    DebateTally.objects.all().delete()
    Argument.objects.update(endorsement_count=0)
    services.counters_rebuild()
    assert kept(motion) == before == counted(motion)
    assert_endorsements_match(motion)
