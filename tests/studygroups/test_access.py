"""Who may see and do what in a group: the whole matrix of convenor, member, supervisor by
link, non-member, removed member and visitor. Anyone outside the group gets 404 for
everything of it; a visitor is sent to sign in."""

import pytest
from django.test import Client
from django.urls import reverse

from reflections.services import reflection_create
from studygroups import services
from studygroups.models import ActionItem, GroupComment, Invitation, SignOff

from .conftest import place, post, supervisor_client

ROLES = ["convenor", "member", "supervisor", "non_member", "removed", "visitor"]


@pytest.fixture
def world(make_group, ann, bob, cat, trainee_maker, schedule, supervisor_of):
    """Ann convenes, Bob is a member, Dan was removed, Cat is outside; Sam supervises by
    link. Bob shares a reflection; there is a meeting with notes and an action item."""
    dan = trainee_maker(name="Dan Removed")
    group = make_group(ann, bob, dan)
    services.membership_remove(membership=place(group, dan), by=place(group, ann))
    _, link = supervisor_of(group)
    meeting = schedule(group, 1)
    reflection = reflection_create(author=bob, title="Bob's private thoughts", body="Secret body")
    share = services.reflection_share(reflection=reflection, group=group, by=place(group, bob))
    item = services.action_item_add(
        meeting=meeting, by=place(group, bob), owner=place(group, bob), text="Practise"
    )
    invitation = services.invitation_send(group=group, by=place(group, ann), email="x@example.org")

    def client(role) -> Client:
        if role == "supervisor":
            return supervisor_client(link)
        user = {"convenor": ann, "member": bob, "non_member": cat, "removed": dan}.get(role)
        c = Client(enforce_csrf_checks=True)
        if user:
            c.force_login(user)
        return c

    return {
        "group": group,
        "meeting": meeting,
        "share": share,
        "item": item,
        "client": client,
        "invitation": invitation,
        "reflection": reflection,
        "ann": ann,
    }


def _pages(w):
    g, m, s = w["group"].pk, w["meeting"].pk, w["share"].pk
    return {
        "detail": reverse("studygroups:detail", kwargs={"pk": g}),
        "settings": reverse("studygroups:settings", kwargs={"pk": g}),
        "leave": reverse("studygroups:leave", kwargs={"pk": g}),
        "schedule": reverse("studygroups:schedule", kwargs={"pk": g}),
        "meeting_create": reverse("studygroups:meeting_create", kwargs={"pk": g}),
        "meeting": reverse("studygroups:meeting", kwargs={"pk": g, "meeting": m}),
        "meeting_edit": reverse("studygroups:meeting_edit", kwargs={"pk": g, "meeting": m}),
        "meeting_cancel": reverse("studygroups:meeting_cancel", kwargs={"pk": g, "meeting": m}),
        "meeting_ics": reverse("studygroups:meeting_ics", kwargs={"pk": g, "meeting": m}),
        "notes": reverse("studygroups:notes", kwargs={"pk": g, "meeting": m}),
        "notes_history": reverse("studygroups:notes_history", kwargs={"pk": g, "meeting": m}),
        "shared": reverse("studygroups:shared", kwargs={"pk": g, "share": s}),
    }


# What each role gets for each page. "refused" is a member's polite refusal (a redirect to
# the group page with a message), for what only the convenor does in this group.
EXPECTED = {
    "convenor": dict.fromkeys(
        [
            "detail",
            "settings",
            "leave",
            "schedule",
            "meeting_create",
            "meeting",
            "meeting_edit",
            "meeting_cancel",
            "meeting_ics",
            "notes",
            "notes_history",
            "shared",
        ],
        200,
    ),
    "member": {
        **dict.fromkeys(
            ["detail", "leave", "meeting", "meeting_ics", "notes", "notes_history", "shared"], 200
        ),
        "settings": 404,
        **dict.fromkeys(["schedule", "meeting_create", "meeting_edit", "meeting_cancel"], 302),
    },
    "supervisor": {
        **dict.fromkeys(
            ["detail", "leave", "meeting", "meeting_ics", "notes_history", "shared"], 200
        ),
        **dict.fromkeys(
            ["settings", "schedule", "meeting_create", "meeting_edit", "meeting_cancel", "notes"],
            404,
        ),
    },
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_group(world, role):
    client = world["client"](role)
    for name, url in _pages(world).items():
        response = client.get(url)
        if role == "visitor":
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("account_login")), name
        elif role in ("non_member", "removed"):
            assert response.status_code == 404, (role, name)
        else:
            assert response.status_code == EXPECTED[role][name], (role, name)
            if response.status_code == 200 and name in ("detail", "shared"):
                assert "Bob&#x27;s private thoughts" in response.content.decode() or (
                    "Bob's private thoughts" in response.content.decode()
                )


def _posts(w):
    g, m, s, i = w["group"].pk, w["meeting"].pk, w["share"].pk, w["item"].pk
    bob_place = place(w["group"], w["reflection"].author).pk
    return [
        (reverse("studygroups:invite", kwargs={"pk": g}), {"email": "new@example.org"}),
        (reverse("studygroups:regenerate_code", kwargs={"pk": g}), {}),
        (reverse("studygroups:remove_member", kwargs={"pk": g, "member": bob_place}), {}),
        (reverse("studygroups:handover", kwargs={"pk": g}), {"member": bob_place}),
        (reverse("studygroups:progress_visibility", kwargs={"pk": g}), {"hidden": "1"}),
        (
            reverse("studygroups:meeting_respond", kwargs={"pk": g, "meeting": m}),
            {"answer": "going"},
        ),
        (
            reverse("studygroups:action_add", kwargs={"pk": g, "meeting": m}),
            {"owner": bob_place, "text": "x"},
        ),
        (
            reverse("studygroups:action_done", kwargs={"pk": g, "meeting": m, "item": i}),
            {"done": "1"},
        ),
        (reverse("studygroups:notes", kwargs={"pk": g, "meeting": m}), {"body": "x", "version": 0}),
        (reverse("studygroups:comment", kwargs={"pk": g, "share": s}), {"body": "x"}),
        (
            reverse("studygroups:signoff", kwargs={"pk": g, "share": s}),
            {"discussed_on": "2026-01-01"},
        ),
        (reverse("studygroups:unshare", kwargs={"pk": g, "share": s}), {}),
        (reverse("studygroups:meeting_cancel", kwargs={"pk": g, "meeting": m}), {}),
        (reverse("studygroups:leave", kwargs={"pk": g}), {}),
    ]


@pytest.mark.parametrize("role", ["non_member", "removed", "visitor"])
def test_outsiders_change_nothing(world, role):
    client = world["client"](role)
    for url, data in _posts(world):
        response = post(client, url, data)
        if role == "visitor":
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("account_login")), url
        else:
            assert response.status_code == 404, url
    group = world["group"]
    assert group.memberships.active().count() == 3  # Ann, Bob, the supervisor
    assert not GroupComment.objects.exists() and not SignOff.objects.exists()
    assert ActionItem.objects.get().done_at is None
    world["meeting"].refresh_from_db()
    assert not world["meeting"].is_cancelled and world["meeting"].notes == ""
    assert world["share"].__class__.objects.get().is_active
    assert Invitation.objects.count() == 1


def test_a_magic_link_opens_one_group_only(world, make_group, cat, trainee_maker):
    other = make_group(cat, name="Another group")
    supervisor = world["client"]("supervisor")
    assert supervisor.get(world["group"].get_absolute_url()).status_code == 200
    response = supervisor.get(other.get_absolute_url())
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert supervisor.get(reverse("studygroups:list")).status_code == 302
    assert supervisor.get(reverse("dashboard")).status_code == 302
    assert supervisor.get(world["reflection"].get_absolute_url()).status_code == 302


def test_a_removed_member_loses_access_at_once(world):
    group, ann = world["group"], world["ann"]
    bob_client = world["client"]("member")
    assert bob_client.get(group.get_absolute_url()).status_code == 200
    services.membership_remove(
        membership=place(group, world["reflection"].author), by=place(group, ann)
    )
    for url in _pages(world).values():
        assert bob_client.get(url).status_code == 404, url


def test_a_removed_supervisor_loses_access_at_once(world):
    group = world["group"]
    supervisor = world["client"]("supervisor")
    person = group.memberships.active().get(role="supervisor")
    services.membership_remove(membership=person, by=place(group, world["ann"]))
    assert supervisor.get(group.get_absolute_url()).status_code == 302


def test_a_new_supervisor_link_voids_the_old_one(world, supervisor_of):
    group = world["group"]
    supervisor = world["client"]("supervisor")  # opened the first link
    person = group.memberships.active().get(role="supervisor")
    old_nonce = person.link_nonce
    supervisor_of(group)  # sends a new link
    assert person.__class__.objects.get(pk=person.pk).link_nonce != old_nonce
    assert supervisor.get(group.get_absolute_url()).status_code == 302


def test_invitations_are_seen_by_the_person_invited_only(world, cat, make_user):
    group = world["group"]
    invitation = services.invitation_send(
        group=group, by=place(group, world["ann"]), email=cat.email
    )
    url = invitation.get_absolute_url()
    assert world["client"]("non_member").get(url).status_code == 200  # Cat, invited
    assert world["client"]("member").get(url).status_code == 404  # Bob is not the addressee
    assert world["client"]("convenor").get(url).status_code == 404
    visitor = world["client"]("visitor").get(url)
    assert visitor.status_code == 302 and reverse("account_login") in visitor["Location"]
    stranger = Client()
    stranger.force_login(make_user())
    assert stranger.get(world["invitation"].get_absolute_url()).status_code == 404


def test_ids_of_other_groups_are_404(world, make_group, cat, schedule):
    other = make_group(cat, name="Another group")
    foreign = schedule(other, 2)
    ann = world["client"]("convenor")
    g = world["group"].pk
    assert ann.get(f"/groups/{g}/meetings/{foreign.pk}/").status_code == 404
    assert ann.get(f"/groups/{other.pk}/meetings/{foreign.pk}/").status_code == 404
    assert ann.get(f"/groups/{g}/reflections/99999/").status_code == 404
    assert ann.get("/groups/999999/").status_code == 404
