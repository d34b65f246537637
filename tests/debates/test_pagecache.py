"""Kept debate pages (portal.pagecache) show everyone's arguments the moment they exist."""

from debates import services
from tests.kept_pages import keep

from .conftest import debate_path


def stance(user, motion):
    services.stance_record(
        user=user, motion=motion, phase="before", position="undecided", confidence=2
    )


def test_another_persons_argument_and_a_tutors_hiding_are_seen_at_once(
    client_for, content, motion, trainee_in, enrolled, tutor
):
    url = debate_path(content)
    client = client_for(trainee_in)
    stance(trainee_in, motion)
    assert "Said by someone else just now" not in keep(client, url)
    other = enrolled(name="Bo Other")
    stance(other, motion)
    argument = services.argument_create(
        author=other, motion=motion, text="Said by someone else just now", side="for"
    )
    assert "Said by someone else just now" in keep(client, url)
    services.argument_hide(argument=argument, by=tutor, reason="Off topic for this motion.")
    assert "Said by someone else just now" not in client.get(url).content.decode()
