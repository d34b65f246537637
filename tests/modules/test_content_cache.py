"""The module overview's content structure is cached, and every write to it is seen at once
(tests write through the admin or the models, then read the page back)."""

from django.test import Client

from modules import content as content_cache
from modules.models import LearningOutcome, ModuleTutor, Tutor
from tests.factories import grow_module, make_module

WARM_OVERVIEW_QUERIES_ANON = 1  # the topics; the structure comes from the cache


def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_a_warm_overview_reads_only_the_topics(client, content, django_assert_max_num_queries):
    client.get(content.get_absolute_url())
    with django_assert_max_num_queries(WARM_OVERVIEW_QUERIES_ANON):
        assert client.get(content.get_absolute_url()).status_code == 200
    grow_module(content, extra=6)
    client.get(content.get_absolute_url())  # the content changed: built again once
    with django_assert_max_num_queries(WARM_OVERVIEW_QUERIES_ANON):
        assert client.get(content.get_absolute_url()).status_code == 200


def test_an_edit_of_the_module_shows_at_once(client, content):
    assert "How it works" in client.get(content.get_absolute_url()).content.decode()
    content.introduction = "A brand new introduction."  # what the admin's save does
    content.how_it_works = ""
    content.save()
    html = client.get(content.get_absolute_url()).content.decode()
    assert "A brand new introduction." in html and "How it works" not in html


def test_outcomes_and_tutors_added_or_removed_show_at_once(client, content):
    client.get(content.get_absolute_url())
    LearningOutcome.objects.create(module=content, position=99, text="Name the new outcome.")
    assert "Name the new outcome." in client.get(content.get_absolute_url()).content.decode()
    tutor = Tutor.objects.create(name="Tess Newtutor", slug="tess-newtutor", role_line="Lecturer")
    ModuleTutor.objects.create(module=content, tutor=tutor, position=99)
    assert "Tess Newtutor" in client.get(content.get_absolute_url()).content.decode()
    tutor.name = "Tess Renamed"
    tutor.save()
    assert "Tess Renamed" in client.get(content.get_absolute_url()).content.decode()
    ModuleTutor.objects.filter(tutor=tutor).delete()
    assert "Tess Renamed" not in client.get(content.get_absolute_url()).content.decode()


def test_prerequisites_through_the_relation_show_at_once(client, content):
    earlier = make_module(slug="an-earlier-module", title="An Earlier Module")
    client.get(content.get_absolute_url())
    content.prerequisites.add(earlier, through_defaults={"position": 5})
    assert "An Earlier Module" in client.get(content.get_absolute_url()).content.decode()
    content.prerequisites.remove(earlier)
    assert "An Earlier Module" not in client.get(content.get_absolute_url()).content.decode()


def test_unpublishing_hides_the_cached_module(client, content, admin_user):
    client.get(content.get_absolute_url())
    content.is_published = False
    content.save()
    assert client.get(content.get_absolute_url()).status_code == 404
    staff = admin_client(admin_user)
    assert staff.get(content.get_absolute_url()).status_code == 200


def test_another_process_sees_the_new_version(client, content):
    """A process that built the structure earlier sees the version in the shared cache
    change and builds it again."""
    client.get(content.get_absolute_url())
    stale_key = next(iter(content_cache._structures))
    content_cache._structures[stale_key].title = "What another process still holds"
    content.title = "Retitled"
    content.save()
    html = client.get(content.get_absolute_url()).content.decode()
    assert "Retitled" in html and "What another process still holds" not in html


def test_one_visitor_s_progress_never_reaches_the_next(client_for, trainee, content):
    """The structure is shared, the progress prefetched onto a copy is not."""
    from modules.services import enrolment_create
    from topics.models import Task
    from topics.services import task_mark_done

    enrolment_create(user=trainee, module=content, prerequisites_confirmed=True)
    for task in Task.objects.in_module(content)[:3]:
        task_mark_done(user=trainee, task=task)
    assert (
        "3 of 12 tasks done" in client_for(trainee).get(content.get_absolute_url()).content.decode()
    )
    anonymous = Client().get(content.get_absolute_url()).content.decode()
    assert "tasks done" not in anonymous
