"""Each cohort debates the motion among itself: a person of cohort A never sees cohort
B's arguments, replies, stances or people, on any debate URL; tutors see the cohorts they
tutor (lead tutors and staff all of them, with a filter); a move takes the trainee's
contributions along."""

from django.urls import reverse

from debates import services
from debates.models import Argument, DebateTally, Stance
from modules.models import Cohort, Enrolment
from modules.services import enrolment_create, enrolment_move
from tests.debates.conftest import debate_path, post


def record(user, motion, phase="before", position="for"):
    return services.stance_record(
        user=user, motion=motion, phase=phase, position=position, confidence=3
    )


def debate_with_both(c, motion):
    record(c.ada, motion)
    record(c.bo, motion, position="against")
    a_arg = services.argument_create(author=c.ada, motion=motion, side="for", text="Ada says A.")
    b_arg = services.argument_create(author=c.bo, motion=motion, side="against", text="Bo says B.")
    return a_arg, b_arg


def test_each_cohort_sees_only_its_own_arguments(client_for, two_cohorts, motion):
    c = two_cohorts
    a_arg, b_arg = debate_with_both(c, motion)
    assert (a_arg.cohort, b_arg.cohort) == (c.a, c.b)
    url = debate_path(c.module)
    ada_html = client_for(c.ada).get(url).content.decode()
    assert "Ada says A." in ada_html and "Bo says B." not in ada_html
    assert "B-Trainee" not in ada_html and "Leeds January" in ada_html
    bo_html = client_for(c.bo).get(url).content.decode()
    assert "Bo says B." in bo_html and "Ada says A." not in bo_html and "A-Trainee" not in bo_html
    # ?cohort= means nothing to a trainee
    assert "Bo says B." not in client_for(c.ada).get(url + f"?cohort={c.b.pk}").content.decode()
    # a thread link to the other cohort's argument shows nothing of it
    html = client_for(c.ada).get(url + f"?thread={b_arg.pk}").content.decode()
    assert "Bo says B." not in html


def test_every_argument_url_of_another_cohort_is_404(client_for, two_cohorts, motion):
    c = two_cohorts
    a_arg, b_arg = debate_with_both(c, motion)
    client = client_for(c.ada)
    client.get(debate_path(c.module))
    for name in ("endorse", "reply"):
        response = post(client, debate_path(c.module, name=name, pk=b_arg.pk),
                        {"action": "endorse", "text": "Sneaking in."})  # fmt: skip
        assert response.status_code == 404, name
    assert client.get(debate_path(c.module, name="manage", pk=b_arg.pk)).status_code == 404
    assert not Argument.objects.filter(text="Sneaking in.").exists()
    assert b_arg.endorsements.count() == 0


def test_stance_counts_are_per_cohort(client_for, two_cohorts, motion):
    c = two_cohorts
    debate_with_both(c, motion)
    record(c.ada, motion, phase="after", position="against")
    record(c.bo, motion, phase="after", position="against")
    a = DebateTally.objects.get(motion=motion, cohort=c.a)
    b = DebateTally.objects.get(motion=motion, cohort=c.b)
    assert (a.before_for, a.before_against, a.changed) == (1, 0, 1)
    assert (b.before_for, b.before_against, b.changed) == (0, 1, 0)
    html = client_for(c.ada).get(debate_path(c.module)).content.decode()
    assert 'Total</th><td class="text-end">1</td>' in html  # only cohort A's stance


def test_cohort_tutors_see_their_cohort_and_staff_and_leads_all(
    client_for, two_cohorts, motion, admin_user
):
    c = two_cohorts
    a_arg, b_arg = debate_with_both(c, motion)
    url = debate_path(c.module)
    tess = client_for(c.tutor_a)
    html = tess.get(url).content.decode()
    assert "Ada says A." in html and "Bo says B." not in html
    # asking for cohort B gets cohort A (the one Tess tutors), never B
    html = tess.get(url + f"?cohort={c.b.pk}").content.decode()
    assert "Bo says B." not in html and "Council April" not in html
    # and the module-wide counts, numbers only
    assert "All cohorts together" in html
    # cohort B's argument cannot be hidden by cohort A's tutor
    tess.get(url)
    response = post(tess, debate_path(c.module, name="hide", pk=b_arg.pk), {"reason": "No."})
    assert response.status_code == 404
    assert Argument.objects.get(pk=b_arg.pk).hidden_at is None
    tom_html = client_for(c.tutor_b).get(url).content.decode()
    assert "Bo says B." in tom_html and "Ada says A." not in tom_html
    for who in (c.lead, admin_user):
        client = client_for(who)
        html = client.get(url + f"?cohort={c.b.pk}").content.decode()
        assert "Bo says B." in html and "Ada says A." not in html
        assert 'id="cohort-filter"' in html and "Leeds January" in html
        html = client.get(url + f"?cohort={c.a.pk}").content.decode()
        assert "Ada says A." in html and "Bo says B." not in html


def test_a_tutor_of_no_cohort_moderates_nothing(client_for, two_cohorts, motion, make_user):
    from modules.models import ModuleTutor, Tutor

    c = two_cohorts
    debate_with_both(c, motion)
    loner = make_user(role="tutor", name="Lone Tutor")
    profile = Tutor.objects.create(name="Lone", slug="lone", role_line="Tutor", user=loner)
    ModuleTutor.objects.create(module=c.module, tutor=profile, position=9)
    html = client_for(loner).get(debate_path(c.module)).content.decode()
    assert "You tutor none of this module" in html
    assert "Ada says A." not in html and "Bo says B." not in html


def test_a_tutor_posts_in_the_cohort_they_look_at(client_for, two_cohorts, motion):
    c = two_cohorts
    client = client_for(c.lead)
    client.get(debate_path(c.module))
    response = post(client, debate_path(c.module, name="argue"),
                    {"side": "for", "text": "Lead's point for B.", "cohort": c.b.pk})  # fmt: skip
    assert response.status_code == 302 and f"cohort={c.b.pk}" in response["Location"]
    assert Argument.objects.get(text="Lead's point for B.").cohort == c.b
    # a cohort tutor cannot post into a cohort they do not tutor
    tess = client_for(c.tutor_a)
    tess.get(debate_path(c.module))
    post(tess, debate_path(c.module, name="argue"),
         {"side": "for", "text": "Tess for B?", "cohort": c.b.pk})  # fmt: skip
    assert Argument.objects.get(text="Tess for B?").cohort == c.a


def test_a_move_takes_the_trainees_contributions_along(client_for, two_cohorts, motion):
    c = two_cohorts
    a_arg, b_arg = debate_with_both(c, motion)
    mine = services.argument_create(author=c.ada, motion=motion, parent=a_arg, text="Ada adds.")
    enrolment_move(enrolment=Enrolment.objects.get(user=c.ada), cohort=c.b)
    assert Argument.objects.get(pk=a_arg.pk).cohort == c.b
    assert Argument.objects.get(pk=mine.pk).cohort == c.b
    assert Stance.objects.get(user=c.ada).cohort == c.b
    b = DebateTally.objects.get(motion=motion, cohort=c.b)
    assert (b.before_for, b.before_against) == (1, 1)
    assert not DebateTally.objects.filter(motion=motion, cohort=c.a, before_for__gt=0).exists()
    url = debate_path(c.module)
    bo_html = client_for(c.bo).get(url).content.decode()
    assert "Ada says A." in bo_html and "Ada adds." in bo_html
    ada_html = client_for(c.ada).get(url).content.decode()
    assert "Bo says B." in ada_html and "Council April" in ada_html
    assert "Ada says A." not in client_for(c.tutor_a).get(url).content.decode()


def test_the_admin_moves_trainees_between_cohorts(client_for, two_cohorts, motion, admin_user):
    c = two_cohorts
    debate_with_both(c, motion)
    from django.test import Client

    client = Client()
    client.force_login(admin_user)
    changelist = reverse("admin:modules_enrolment_changelist")
    enrolment = Enrolment.objects.get(user=c.ada)
    page = client.post(changelist, {"action": "move_to_cohort", "_selected_action": [enrolment.pk]})
    assert page.status_code == 200 and b"Move them" in page.content
    move = {"action": "move_to_cohort", "apply": "1", "_selected_action": [enrolment.pk]}
    response = client.post(changelist, {**move, "cohort": c.b.pk})
    assert response.status_code == 302
    assert Enrolment.objects.get(user=c.ada).cohort == c.b
    assert Argument.objects.get(text="Ada says A.").cohort == c.b
    # a cohort of another module is refused
    from tests.factories import make_module

    other = Cohort.objects.create(module=make_module(slug="other"), name="Elsewhere")
    response = client.post(changelist, {**move, "cohort": other.pk})
    assert response.status_code == 200
    assert Enrolment.objects.get(user=c.ada).cohort == c.b


def test_tutor_debate_queries_do_not_grow_with_cohorts(
    client_for, two_cohorts, motion, django_assert_max_num_queries
):
    from tests.debates.test_views import TUTOR_QUERIES
    from tests.factories import grow_debate

    c = two_cohorts
    debate_with_both(c, motion)
    client = client_for(c.lead)
    url = debate_path(c.module) + f"?cohort={c.b.pk}"
    with django_assert_max_num_queries(TUTOR_QUERIES) as ctx:
        assert client.get(url).status_code == 200
    first = len(ctx.captured_queries)
    for n in range(20):
        cohort = Cohort.objects.create(module=c.module, name=f"Extra {n}")
        people = []
        for i in range(3):
            from portal.models import User

            user = User.objects.create(email=f"x{n}-{i}@example.org", full_name=f"X {n} {i}")
            enrolment_create(user=user, module=c.module, cohort=cohort)
            people.append(user)
        grow_debate(motion, arguments=2, people=people, cohort=cohort)
    with django_assert_max_num_queries(first):
        html = client.get(url).content.decode()
    assert "Extra 19" in html  # in the filter
